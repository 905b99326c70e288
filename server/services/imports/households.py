"""Importing a household register into the tree: all rows or none, and idempotent.

Rows are checked one by one, then written in batches: missing streets,
communities, grids and buildings are made on the way; households are inserted
or updated by (building, unit, room). The import goes into a target area: the
levels at and above it come from the target, so a community's own register
needs no 街道 or 社区 column, a grid's no 网格 column either. A row with no grid
goes to its building's grid, else to the community's only grid, else to a new
grid named after the community when it has none; a community with several grids
needs a 网格 column. A 小区 (column, or written before the building in the
address) becomes part of the building's name: ``阳光小区3栋``, since two 小区 of
one community each have their 3栋. A cell left blank never erases what is
already stored. Importing the same file twice changes nothing. If any row is
bad, ``ImportRejected`` is raised and the caller rolls the whole import back.

Rows are checked by hand, not by a marshmallow schema: at a million rows a
schema's per-row overhead would be most of the import's time.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import bindparam, select, update

from models import (Area, AreaLevel, Building, CommunityType, Household, Occupancy, PositionSource, household_label,
                    new_door_token, utcnow)
from models.personal import phone_index
from server.extensions import db
from server.services.registry.areas import areas_under, assign_path, new_area
from server.database.bulk import bulk_insert
from server.services.canvassing.campaigns import open_campaigns_covering
from server.services.ledger.rebuild import refresh_population
from server.services.canvassing.occupancy import occupancy_changed
from server.services.registry.addresses import parse_address
from server.services.imports.household_files import HEADER_OF, LEVELS, SourceRow
from server.services.imports.table_files import RowError
from server.services.privacy.phones import phone_number

MAX_LISTED_ERRORS = 200
SAMPLE_ROWS = 20  # the rows a preview shows, as they will be stored
#: Where a position may lie: China, with a margin. Swapped 经度/纬度 columns fall outside.
LAT_RANGE, LNG_RANGE = (3.0, 54.0), (73.0, 136.0)
_OCCUPANCY_WORDS = {
    "": None, "未知": Occupancy.UNKNOWN, "unknown": Occupancy.UNKNOWN,
    "入住": Occupancy.OCCUPIED, "已入住": Occupancy.OCCUPIED, "在住": Occupancy.OCCUPIED,
    "自住": Occupancy.OCCUPIED, "出租": Occupancy.OCCUPIED, "occupied": Occupancy.OCCUPIED,
    "空置": Occupancy.VACANT, "空房": Occupancy.VACANT, "vacant": Occupancy.VACANT,
}
_COMMUNITY_TYPES = {t.value: t for t in CommunityType}
_LENGTHS = {"street": 64, "community": 64, "grid": 64, "building": 64, "unit": 16, "room": 16, "head_name": 64}
_LABEL_LENGTH = Household.__table__.c.label.type.length  # building, unit and room together
_HOUSEHOLD = Household.__table__
_ROW_REQUIRED = ("street", "community", "building", "room")  # grid: see the module's docstring
_INSERT_COLUMNS = ("building_id", "unit", "floor", "room", "label", "occupancy", "head_name", "head_phone",
                   "head_phone_index", "token")


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    areas_created: int = 0
    buildings_created: int = 0
    buildings_placed: int = 0
    positions_kept: int = 0  # buildings placed on the map by hand whose different 经度/纬度 in the file were ignored
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: The first rows as they will be stored: (row number, checked row, grid name).
    sample: list[tuple[int, "HouseholdRow", str]] = field(default_factory=list)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(error)


class ImportRejected(Exception):
    """Some rows are bad; nothing may be kept. ``report.errors`` names each row and column."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{report.error_count} bad rows")
        self.report = report


class HouseholdRow(NamedTuple):
    """A checked row, normalised: ``unit`` without 单元, ``building`` with 栋 when it was a bare number."""

    street: str
    community: str
    community_type: CommunityType | None
    grid: str
    building: str
    unit: str
    floor: int | None
    room: str
    head_name: str | None
    head_phone: str | None
    occupancy: Occupancy | None
    lat: float | None = None
    lng: float | None = None


def _floor_from_room(room: str) -> int | None:
    # 501 → 5, 1203 → 12: the usual numbering of Chinese flats; none when that is no floor (0001, 9999999901).
    if len(room) >= 3 and room.isdecimal():  # not isdigit: "¹²³" is digits that int() refuses
        floor = int(room[:-2])
        return floor if 0 < floor <= 200 else None
    return None


def _parse_floor(text: str) -> tuple[int | None, str | None]:
    try:
        floor = int(text)
    except ValueError:
        return None, f"“{text}”不是整数"
    if not -5 <= floor <= 200 or floor == 0:
        return None, f"{floor} 不是有效楼层"
    return floor, None


def _parse_phone(text: str) -> tuple[str, str | None]:
    phone = phone_number(text)
    if phone is None:
        return text, f"“{text.replace(' ', '')}”不是有效的手机号或座机号"
    return phone, None


def _row_errors(row: SourceRow) -> list[RowError]:
    """Every problem of a row that failed the quick check, one per cell."""
    v = row.values
    problems: list[tuple[str, str]] = [(name, "不能为空") for name in _ROW_REQUIRED if not v.get(name)]
    problems += [(name, f"不能超过 {limit} 个字") for name, limit in _LENGTHS.items() if len(v.get(name, "")) > limit]
    floor_text = v.get("floor", "").removesuffix("层").strip()
    if floor_text and _parse_floor(floor_text)[1]:
        problems.append(("floor", _parse_floor(floor_text)[1]))
    if v.get("head_phone") and _parse_phone(v["head_phone"])[1]:
        problems.append(("head_phone", _parse_phone(v["head_phone"])[1]))
    if v.get("occupancy", "") not in _OCCUPANCY_WORDS:
        problems.append(("occupancy", f"“{v['occupancy']}”无法识别，请填 入住、空置 或 未知"))
    type_text = v.get("community_type", "")
    if type_text and type_text not in _COMMUNITY_TYPES:
        problems.append(("community_type", f"“{type_text}”无法识别，请填 {'、'.join(_COMMUNITY_TYPES)}"))
    return [RowError(row.number, HEADER_OF[name], message) for name, message in problems]


def _normalised_errors(number: int, building: str, unit: str, room: str) -> list[RowError]:
    """What shows only once a row is normalised: 室 alone, 栋 added to a long number, too long a door label."""
    errors = []
    if not room:
        errors.append(RowError(number, HEADER_OF["room"], "不能为空"))
    if len(building) > _LENGTHS["building"]:
        errors.append(RowError(number, HEADER_OF["building"], f"加上“栋”后超过 {_LENGTHS['building']} 个字"))
    if len(label := household_label(building, unit, room)) > _LABEL_LENGTH:
        errors.append(RowError(number, HEADER_OF["room"],
                               f"楼栋、单元、户号合起来“{label}”超过 {_LABEL_LENGTH} 个字"))
    return errors


def _parse_coordinate(text: str, bounds: tuple[float, float]) -> tuple[float | None, str | None]:
    try:
        value = float(text)
    except ValueError:
        return None, f"“{text}”不是数字"
    if not bounds[0] <= value <= bounds[1]:  # also NaN and inf
        return None, f"{text} 超出范围（应在 {bounds[0]:g} 到 {bounds[1]:g} 之间，GCJ-02 坐标）"
    return value, None


def _expand(row: SourceRow) -> tuple[float, float] | None | list[RowError]:
    """Fill a row's door from its address and 小区 cells, and read its position; or the errors of those cells.

    Columns of their own (楼栋, 单元, 楼层, 户号) win over what the address says.
    """
    v, errors = row.values, []
    address = v.get("address", "")
    if address:
        parsed = parse_address(address)
        if parsed is None:
            errors.append(RowError(row.number, HEADER_OF["address"], f"无法识别地址：{address}"
                                   "（可写作 3栋2单元501室、3-2-501、3号楼2单元501 或 3栋501）"))
        else:
            estate = parsed.estate
            for level in LEVELS[:2]:  # 城西街道金桥社区阳光小区3栋…: the areas are not the 小区
                if v.get(level) and estate.startswith(v[level]):
                    estate = estate[len(v[level]):]
            for name, value in zip(("estate", "building", "unit", "floor", "room"), (estate, *parsed[1:])):
                if value and not v.get(name):
                    v[name] = value
    estate, building = v.get("estate", ""), v.get("building", "")
    if estate and building and not building.startswith(estate):
        v["building"] = estate + (building + "栋" if building.isdigit() else building)
    lat_text, lng_text = v.get("lat", ""), v.get("lng", "")
    position = None
    if lat_text or lng_text:
        if not (lat_text and lng_text):
            missing = "lat" if not lat_text else "lng"
            errors.append(RowError(row.number, HEADER_OF[missing], "经度和纬度要么都填，要么都不填"))
        else:
            lat, lat_problem = _parse_coordinate(lat_text, LAT_RANGE)
            lng, lng_problem = _parse_coordinate(lng_text, LNG_RANGE)
            errors += [RowError(row.number, HEADER_OF[name], problem)
                       for name, problem in (("lat", lat_problem), ("lng", lng_problem)) if problem]
            position = (lat, lng)
    return errors or position


def check_row(row: SourceRow) -> HouseholdRow | list[RowError]:
    """Normalise one source row, or say what is wrong with each bad cell.

    The common case, a good row, is checked in one pass; a bad row is then
    examined cell by cell by ``_row_errors`` to name every problem.
    """
    v = row.values
    get = v.get
    street, community, grid = get("street", ""), get("community", ""), get("grid", "")
    building, room = get("building", ""), get("room", "")
    unit, head_name = get("unit", ""), get("head_name", "")
    position = None
    if "address" in v or "estate" in v or "lat" in v or "lng" in v:
        position = _expand(row)
        if isinstance(position, list):
            door = (HEADER_OF["building"], HEADER_OF["room"]) if any(e.column == HEADER_OF["address"]
                                                                     for e in position) else ()
            return position + [e for e in _row_errors(row) if e.column not in door or e.message != "不能为空"]
        building, room, unit = get("building", ""), get("room", ""), get("unit", "")
    if not (street and community and building and room) or len(street) > 64 or len(community) > 64 \
            or len(grid) > 64 or len(building) > 64 or len(head_name) > 64 or len(unit) > 16 or len(room) > 16:
        return _row_errors(row)
    floor_text, phone = get("floor", "").removesuffix("层").strip(), get("head_phone", "")
    occupancy_text, type_text = get("occupancy", ""), get("community_type", "")
    if occupancy_text not in _OCCUPANCY_WORDS or (type_text and type_text not in _COMMUNITY_TYPES):
        return _row_errors(row)
    room = room.removesuffix("室").strip()
    if floor_text:
        floor, problem = _parse_floor(floor_text)
        if problem:
            return _row_errors(row)
    else:
        floor = _floor_from_room(room)
    if phone:
        phone, problem = _parse_phone(phone)
        if problem:
            return _row_errors(row)
    if building.isdigit():
        building += "栋"
    unit = unit.removesuffix("单元").strip()
    label_length = len(building) + len(room) + (len(unit) + len("单元") if unit else 0)  # household_label's, unbuilt
    if not room or len(building) > _LENGTHS["building"] or label_length > _LABEL_LENGTH:
        return _normalised_errors(row.number, building, unit, room)
    return HouseholdRow(street, community, _COMMUNITY_TYPES.get(type_text) if type_text else None, grid, building,
                        unit, floor, room, head_name or None, phone or None, _OCCUPANCY_WORDS[occupancy_text],
                        *(position or (None, None)))


@dataclass(slots=True)
class _KnownBuilding:
    id: int | None
    grid: Area
    name: str
    pending: Building | None = None
    lat: float | None = None
    lng: float | None = None
    placed_by: int | None = None  # the row that gave this import's position
    moved: bool = False  # a position to write with the next batch
    by_hand: bool = False  # placed by a head or an accepted suggestion: a file never moves it
    file_position: tuple | None = None  # the 经度/纬度 this import's first row of the building gave


class _Registry:
    """What already exists under the district, found by name, and what this import adds.

    New areas and buildings are added to the session unflushed and written
    together, table by table, when the next batch of households goes out.
    """

    def __init__(self, district: Area, report: ImportReport):
        self.district = district
        self.report = report
        self.areas: dict[tuple[str, ...], Area] = {}
        self.new_areas: list[Area] = []
        by_id = {district.id: ()}
        area_of_id = {}
        for area in db.session.scalars(areas_under(district)):
            area_of_id[area.id] = area
            if area.id != district.id and area.parent_id in by_id:
                by_id[area.id] = by_id[area.parent_id] + (area.name,)
                self.areas[by_id[area.id]] = area
        community_ids = [a.id for a in self.areas.values() if a.level is AreaLevel.COMMUNITY]
        self.buildings: dict[tuple[Area, str], _KnownBuilding] = {}
        self.by_row: dict[tuple[str, str, str, str], _KnownBuilding] = {}
        for chunk_start in range(0, len(community_ids), 500):
            chunk = community_ids[chunk_start:chunk_start + 500]
            for b in db.session.execute(select(Building.id, Building.community_id, Building.grid_id,
                                                Building.name, Building.lat, Building.lng, Building.position_source)
                                         .where(Building.community_id.in_(chunk))):
                self.buildings[(area_of_id[b.community_id], b.name)] = _KnownBuilding(
                    b.id, area_of_id[b.grid_id], b.name, lat=b.lat, lng=b.lng,
                    by_hand=b.position_source in (PositionSource.PLACED, PositionSource.ACCEPTED))

    def area(self, key: tuple[str, ...], level: AreaLevel, parent: Area,
             community_type: CommunityType | None = None) -> Area:
        area = self.areas.get(key)
        if area is None:
            area = self.areas[key] = new_area(key[-1], level, parent, community_type)
            self.new_areas.append(area)
            self.report.areas_created += 1
        return area

    def building(self, row: HouseholdRow, number: int) -> _KnownBuilding | RowError:
        """The building a row names, made (with its areas) if missing; or why the row cannot go there."""
        key = (row.street, row.community, row.grid, row.building)
        known = self.by_row.get(key)
        if known is not None and row.community_type is None:
            return known  # the common case: a building seen on an earlier row
        known = self._resolve(row, number)
        if not isinstance(known, RowError):
            self.by_row[key] = known
        return known

    def _resolve(self, row: HouseholdRow, number: int) -> _KnownBuilding | RowError:
        street = self.area((row.street,), AreaLevel.STREET, self.district)
        community = self.area((row.street, row.community), AreaLevel.COMMUNITY, street, row.community_type)
        if row.community_type and community.community_type != row.community_type:
            if community.community_type is not None:
                return RowError(number, HEADER_OF["community_type"],
                                f"社区“{community.name}”已登记为{community.community_type.value}")
            community.community_type = row.community_type
        known = self.buildings.get((community, row.building))
        if not row.grid:
            grid = known.grid if known is not None else self._default_grid(row, community, number)
            if isinstance(grid, RowError):
                return grid
        else:
            grid = self.area((row.street, row.community, row.grid), AreaLevel.GRID, community)
        if known is None:
            pending = Building(community=community, grid=grid, name=row.building)
            db.session.add(pending)
            known = self.buildings[(community, row.building)] = _KnownBuilding(None, grid, row.building, pending)
            self.report.buildings_created += 1
        elif known.grid is not grid:
            return RowError(number, HEADER_OF["grid"], f"楼栋“{row.building}”已属于另一个网格")
        return known

    def _default_grid(self, row: HouseholdRow, community: Area, number: int) -> Area | RowError:
        """The grid of a new building on a row without one: the community's only grid, or a new one named
        after the community when it has none."""
        grids = [area for key, area in self.areas.items()
                 if len(key) == 3 and key[:2] == (row.street, row.community)]
        if len(grids) > 1:
            return RowError(number, HEADER_OF["grid"], f"社区“{community.name}”有 {len(grids)} 个网格，"
                                                        "请填写网格（或在表中加一列“网格”）")
        if grids:
            return grids[0]
        return self.area((row.street, row.community, f"{community.name}网格"), AreaLevel.GRID, community)

    def place_building(self, known: _KnownBuilding, row: HouseholdRow, number: int) -> RowError | None:
        """The one place an import sets a building's position (Building.lat/lng, GCJ-02 like the map's tiles).

        The first row of a building that gives a position sets it; a later row
        giving another is an error. The position is written with the batch. A
        building a head placed on the map (or whose suggested position they
        accepted) keeps that position: the file's is counted in ``positions_kept``.
        """
        if known.placed_by is not None:
            if known.file_position != (row.lat, row.lng):
                return RowError(number, HEADER_OF["lng"], f"同一楼栋“{known.name}”的经纬度与第 {known.placed_by} 行不同")
            return None
        known.placed_by = number
        known.file_position = (row.lat, row.lng)
        if known.by_hand:
            if (known.lat, known.lng) != (row.lat, row.lng):
                self.report.positions_kept += 1  # a head put it where it stands: the file does not move it
            return None
        if (known.lat, known.lng) != (row.lat, row.lng):
            known.lat, known.lng = row.lat, row.lng
            self.report.buildings_placed += 1
            if known.pending is not None:
                known.pending.lat, known.pending.lng = row.lat, row.lng  # written with the new building
            else:
                known.moved = True
        return None

    def write_positions(self, batch) -> None:
        """Write the positions of the existing buildings this batch placed (never one a head placed by hand, see
        ``place_building``); such a position then counts as imported, placed by nobody.
        """
        moved = {known.id: known for _, _, known in batch if known.moved}
        if moved:
            db.session.execute(update(Building.__table__).where(Building.__table__.c.id == bindparam("_id"))
                               .values(lat=bindparam("lat"), lng=bindparam("lng"),
                                       position_source=PositionSource.IMPORTED.value, positioned_by_id=None,
                                       positioned_at=utcnow()),
                               [{"_id": k.id, "lat": k.lat, "lng": k.lng} for k in moved.values()])
            for known in moved.values():
                known.moved = False

    def write_new(self, batch) -> None:
        """Write the areas and buildings this batch made, and give the new areas their paths."""
        if not self.new_areas and all(known.pending is None for _, _, known in batch):
            return
        db.session.flush()
        for area in sorted(self.new_areas, key=lambda a: list(AreaLevel).index(a.level)):
            assign_path(area)
        self.new_areas.clear()
        for _, _, known in batch:
            if known.pending is not None:
                known.id, known.pending = known.pending.id, None


def _merge(existing, row: HouseholdRow) -> dict:
    """The changed columns of an existing household; blank cells keep what is stored."""
    changes = {}
    for name in ("floor", "head_name", "head_phone", "occupancy"):
        new = getattr(row, name)
        if new is not None and new != getattr(existing, name):
            changes[name] = new
    return changes


class _Writer:
    def __init__(self, registry: _Registry, report: ImportReport):
        self.registry = registry
        self.report = report
        self.now = utcnow()

    def write(self, batch: list[tuple[int, HouseholdRow, _KnownBuilding]]) -> None:
        self.registry.write_new(batch)
        self.registry.write_positions(batch)
        building_ids = {known.id for _, _, known in batch}
        existing = {
            (h.building_id, h.unit, h.room): h
            for h in db.session.execute(
                select(_HOUSEHOLD.c.id, _HOUSEHOLD.c.building_id, _HOUSEHOLD.c.unit, _HOUSEHOLD.c.room,
                       _HOUSEHOLD.c.floor, _HOUSEHOLD.c.head_name, _HOUSEHOLD.c.head_phone,
                       _HOUSEHOLD.c.occupancy, _HOUSEHOLD.c.created_at, _HOUSEHOLD.c.updated_at)
                .where(_HOUSEHOLD.c.building_id.in_(building_ids)))
        }
        inserts, updates = [], []
        existing_occupancy = {h.id: h.occupancy for h in existing.values()}
        for number, row, known in batch:
            current = existing.get((known.id, row.unit, row.room))
            if current is not None and self.now in (current.created_at, current.updated_at):
                # Written by an earlier batch of this same import: the file names this household twice.
                self.report.add_error(RowError(number, HEADER_OF["room"], "与文件中前面的一行是同一户"))
                continue
            if current is None:
                inserts.append((known.id, row.unit, row.floor, row.room,
                                household_label(known.name, row.unit, row.room),
                                row.occupancy or Occupancy.UNKNOWN, row.head_name, row.head_phone,
                                phone_index(row.head_phone), new_door_token()))
            else:
                changes = _merge(current, row)
                if changes:
                    base = {"floor": current.floor, "head_name": current.head_name,
                            "head_phone": current.head_phone, "occupancy": current.occupancy}
                    updates.append({**base, **changes, "_id": current.id, "updated_at": self.now,
                                    "head_phone_index": phone_index(changes.get("head_phone", current.head_phone))})
                else:
                    self.report.unchanged += 1
        if inserts:
            self.report.created += bulk_insert(_HOUSEHOLD, _INSERT_COLUMNS, inserts,
                                               constants={"created_at": self.now, "updated_at": self.now})
        if updates:
            db.session.execute(
                update(_HOUSEHOLD).where(_HOUSEHOLD.c.id == bindparam("_id")).values(
                    floor=bindparam("floor"), head_name=bindparam("head_name"),
                    head_phone=bindparam("head_phone"), head_phone_index=bindparam("head_phone_index"),
                    occupancy=bindparam("occupancy"),
                    updated_at=bindparam("updated_at")),
                updates)
            self.report.updated += len(updates)
            for row in updates:  # a household confirmed vacant, or no longer: its ledgers move with it
                was = existing_occupancy[row["_id"]]
                if (was is Occupancy.VACANT) != (row["occupancy"] is Occupancy.VACANT):
                    occupancy_changed(db.session.get(Household, row["_id"], populate_existing=True), was)


def _scope_error(row: HouseholdRow, number: int, scope: tuple[str, ...]) -> RowError | None:
    """A row outside the importer's area: its street, community or grid differs from the scope's."""
    for name, expected, value in zip(("street", "community", "grid"), scope, (row.street, row.community, row.grid)):
        if value != expected:
            return RowError(number, HEADER_OF[name], f"“{value}”不在您的管辖范围内（只能导入{expected}）")
    return None


def target_levels(area: Area) -> tuple[Area, tuple[str, ...]]:
    """The district an import into ``area`` goes under, and the names of the street, community and grid the
    target fixes (none for a district, the street for a street, …, all three for a grid)."""
    ancestors = [db.session.get(Area, i) for i in area.ancestor_ids]
    return ancestors[0], tuple(a.name for a in ancestors[1:])


def required_fields(area: Area) -> tuple[str, ...]:
    """The columns a register imported into ``area`` must have: the levels below the district the target does
    not fix (not the grid: see the module's docstring), and the door."""
    fixed = len(target_levels(area)[1])
    return tuple(level for level in LEVELS[fixed:2]) + ("building", "room")


def import_households(rows: Iterable[SourceRow], district: Area, batch_size: int = 5000,
                      progress: Callable[[int], None] | None = None,
                      scope: tuple[str, ...] = ()) -> ImportReport:
    """Import household rows into the area ``district`` (a district, or any area below one), creating missing
    areas and buildings.

    Into an area below a district, the levels the target fixes are taken from it
    where a row leaves them blank, and a row naming another area there is an
    error. Streams: rows are checked and written ``batch_size`` at a time.
    Flushes, never commits; on ``ImportRejected`` the caller must roll back.
    ``scope`` names the street (and community, and grid) the importer may write
    to; rows elsewhere are errors.

    Raises:
        ImportRejected: one or more rows were bad (each named by row and column),
            or the same household appears twice in the file.
        household_files.FileFormatError: the file itself cannot be read.
    """
    report = ImportReport()
    fixed: tuple[str, ...] = ()
    if district.level is not AreaLevel.DISTRICT:
        district, fixed = target_levels(district)
        scope = scope or fixed
    fill = tuple(zip(LEVELS, fixed))
    registry = _Registry(district, report)
    writer = _Writer(registry, report)
    # Duplicates within a batch are found here; across batches, by the rows this import already wrote
    # (``_Writer.write``). Memory stays bounded by the batch, however long the file.
    seen: dict[tuple, int] = {}
    batch: list[tuple[int, HouseholdRow, _KnownBuilding]] = []
    for source in rows:
        report.rows += 1
        if fill:
            values = source.values
            for level, name in fill:
                if not values.get(level):
                    values[level] = name
        checked = check_row(source)
        if isinstance(checked, list):
            for error in checked:
                report.add_error(error)
            continue
        key = (checked.street, checked.community, checked.building, checked.unit, checked.room)
        if key in seen:
            report.add_error(RowError(source.number, HEADER_OF["room"], f"与第 {seen[key]} 行是同一户"))
            continue
        seen[key] = source.number
        if scope and (outside := _scope_error(checked, source.number, scope)):
            report.add_error(outside)
            continue
        known = registry.building(checked, source.number)
        if isinstance(known, RowError):
            report.add_error(known)
            continue
        if checked.lat is not None and (moved := registry.place_building(known, checked, source.number)):
            report.add_error(moved)
            continue
        if report.error_count:
            continue  # nothing will be kept: only go on checking
        batch.append((source.number, checked, known))
        if len(report.sample) < SAMPLE_ROWS:
            report.sample.append((source.number, checked, known.grid.name))
        if len(batch) >= batch_size:
            writer.write(batch)
            batch.clear()
            seen.clear()
            if progress:
                progress(report.rows)
    if batch and not report.error_count:
        writer.write(batch)
    if report.error_count:
        raise ImportRejected(report)
    for campaign in open_campaigns_covering(district):
        refresh_population(campaign)  # the ledgers now count the new households
    if progress:
        progress(report.rows)
    return report


def preview_households(rows: Iterable[SourceRow], area: Area, **options) -> ImportReport:
    """What ``import_households`` would do, its counts and first rows, with nothing kept.

    The import runs in a savepoint that is rolled back, whatever happens.

    Raises:
        ImportRejected: as ``import_households`` (its report lists every error).
        household_files.FileFormatError: the file itself cannot be read.
    """
    savepoint = db.session.begin_nested()
    try:
        return import_households(rows, area, **options)
    finally:
        savepoint.rollback()
