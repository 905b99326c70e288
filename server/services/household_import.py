"""Importing a household register into the tree: all rows or none, and idempotent.

Rows are checked one by one, then written in batches: missing streets,
communities, grids and buildings are made on the way; households are inserted
or updated by (building, unit, room). A cell left blank never erases what is
already stored. Importing the same file twice changes nothing. If any row is
bad, ``ImportRejected`` is raised and the caller rolls the whole import back.

Rows are checked by hand, not by a marshmallow schema: at a million rows a
schema's per-row overhead would be most of the import's time.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select, update

from models import Area, AreaLevel, Building, CommunityType, Household, Occupancy, household_label, utcnow
from server.extensions import db
from server.services.areas import areas_under, create_area
from server.services.household_files import HEADER_OF, REQUIRED, SourceRow

MAX_LISTED_ERRORS = 200
_OCCUPANCY_WORDS = {
    "": None, "未知": Occupancy.UNKNOWN, "unknown": Occupancy.UNKNOWN,
    "入住": Occupancy.OCCUPIED, "已入住": Occupancy.OCCUPIED, "在住": Occupancy.OCCUPIED,
    "自住": Occupancy.OCCUPIED, "出租": Occupancy.OCCUPIED, "occupied": Occupancy.OCCUPIED,
    "空置": Occupancy.VACANT, "空房": Occupancy.VACANT, "vacant": Occupancy.VACANT,
}
_COMMUNITY_TYPES = {t.value: t for t in CommunityType}
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
_LENGTHS = {"street": 64, "community": 64, "grid": 64, "building": 64, "unit": 16, "room": 16, "head_name": 64}
_HOUSEHOLD = Household.__table__


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    areas_created: int = 0
    buildings_created: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(error)


class ImportRejected(Exception):
    """Some rows are bad; nothing may be kept. ``report.errors`` names each row and column."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{report.error_count} bad rows")
        self.report = report


@dataclass(frozen=True)
class HouseholdRow:
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


def _floor_from_room(room: str) -> int | None:
    # 501 → 5, 1203 → 12: the usual numbering of Chinese flats.
    return int(room[:-2]) if room.isdigit() and len(room) >= 3 and int(room[:-2]) > 0 else None


def check_row(row: SourceRow) -> HouseholdRow | list[RowError]:
    """Normalise one source row, or say what is wrong with each bad cell."""
    v = row.values
    errors: list[RowError] = []

    def bad(name: str, message: str) -> None:
        errors.append(RowError(row.number, HEADER_OF[name], message))

    for name in REQUIRED:
        if not v.get(name):
            bad(name, "不能为空")
    for name, limit in _LENGTHS.items():
        if len(v.get(name, "")) > limit:
            bad(name, f"不能超过 {limit} 个字")

    building = v.get("building", "")
    if building.isdigit():
        building += "栋"
    unit = v.get("unit", "").removesuffix("单元").strip()
    room = v.get("room", "").removesuffix("室").strip()

    floor_text = v.get("floor", "").removesuffix("层").strip()
    floor = None
    if floor_text:
        try:
            floor = int(floor_text)
        except ValueError:
            bad("floor", f"“{floor_text}”不是整数")
        else:
            if not -5 <= floor <= 200 or floor == 0:
                bad("floor", f"{floor} 不是有效楼层")
    else:
        floor = _floor_from_room(room)

    phone = v.get("head_phone", "").replace(" ", "")
    if phone:
        digits = phone.removeprefix("+86").replace("-", "")
        if _MOBILE.fullmatch(digits):
            phone = digits
        elif not _LANDLINE.fullmatch(phone):
            bad("head_phone", f"“{phone}”不是有效的手机号或座机号")

    occupancy_text = v.get("occupancy", "")
    if occupancy_text not in _OCCUPANCY_WORDS:
        bad("occupancy", f"“{occupancy_text}”无法识别，请填 入住、空置 或 未知")

    type_text = v.get("community_type", "")
    if type_text and type_text not in _COMMUNITY_TYPES:
        bad("community_type", f"“{type_text}”无法识别，请填 {'、'.join(_COMMUNITY_TYPES)}")

    if errors:
        return errors
    return HouseholdRow(
        street=v["street"], community=v["community"], community_type=_COMMUNITY_TYPES.get(type_text),
        grid=v["grid"], building=building, unit=unit, floor=floor, room=room,
        head_name=v.get("head_name") or None, head_phone=phone or None,
        occupancy=_OCCUPANCY_WORDS[occupancy_text],
    )


@dataclass
class _KnownBuilding:
    id: int | None
    grid_id: int
    name: str
    pending: Building | None = None


class _Registry:
    """What already exists under the district, found by name, and what this import adds."""

    def __init__(self, district: Area, report: ImportReport):
        self.district = district
        self.report = report
        self.areas: dict[tuple[str, ...], Area] = {}
        by_id = {district.id: ()}
        for area in db.session.scalars(areas_under(district)):
            if area.id != district.id and area.parent_id in by_id:
                by_id[area.id] = by_id[area.parent_id] + (area.name,)
                self.areas[by_id[area.id]] = area
        community_ids = [a.id for a in self.areas.values() if a.level is AreaLevel.COMMUNITY]
        self.buildings: dict[tuple[int, str], _KnownBuilding] = {}
        for chunk_start in range(0, len(community_ids), 500):
            chunk = community_ids[chunk_start:chunk_start + 500]
            for b in db.session.execute(select(Building.id, Building.community_id, Building.grid_id,
                                                Building.name).where(Building.community_id.in_(chunk))):
                self.buildings[(b.community_id, b.name)] = _KnownBuilding(b.id, b.grid_id, b.name)

    def area(self, key: tuple[str, ...], level: AreaLevel, parent: Area,
             community_type: CommunityType | None = None) -> Area:
        area = self.areas.get(key)
        if area is None:
            area = create_area(key[-1], level, parent, community_type)
            self.areas[key] = area
            self.report.areas_created += 1
        return area

    def building(self, row: HouseholdRow, number: int) -> _KnownBuilding | RowError:
        street = self.area((row.street,), AreaLevel.STREET, self.district)
        community = self.area((row.street, row.community), AreaLevel.COMMUNITY, street, row.community_type)
        if row.community_type and community.community_type != row.community_type:
            if community.community_type is not None:
                return RowError(number, HEADER_OF["community_type"],
                                f"社区“{community.name}”已登记为{community.community_type.value}")
            community.community_type = row.community_type
        grid = self.area((row.street, row.community, row.grid), AreaLevel.GRID, community)
        known = self.buildings.get((community.id, row.building))
        if known is None:
            pending = Building(community_id=community.id, grid_id=grid.id, name=row.building)
            db.session.add(pending)
            known = self.buildings[(community.id, row.building)] = _KnownBuilding(None, grid.id, row.building,
                                                                                 pending)
            self.report.buildings_created += 1
        elif known.grid_id != grid.id:
            return RowError(number, HEADER_OF["grid"], f"楼栋“{row.building}”已属于另一个网格")
        return known


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
        if any(known.pending is not None for _, _, known in batch):
            db.session.flush()
            for _, _, known in batch:
                if known.pending is not None:
                    known.id, known.pending = known.pending.id, None
        building_ids = {known.id for _, _, known in batch}
        existing = {
            (h.building_id, h.unit, h.room): h
            for h in db.session.execute(
                select(_HOUSEHOLD.c.id, _HOUSEHOLD.c.building_id, _HOUSEHOLD.c.unit, _HOUSEHOLD.c.room,
                       _HOUSEHOLD.c.floor, _HOUSEHOLD.c.head_name, _HOUSEHOLD.c.head_phone,
                       _HOUSEHOLD.c.occupancy).where(_HOUSEHOLD.c.building_id.in_(building_ids)))
        }
        inserts, updates = [], []
        for _, row, known in batch:
            current = existing.get((known.id, row.unit, row.room))
            if current is None:
                inserts.append({
                    "building_id": known.id, "unit": row.unit, "floor": row.floor, "room": row.room,
                    "label": household_label(known.name, row.unit, row.room),
                    "occupancy": row.occupancy or Occupancy.UNKNOWN,
                    "head_name": row.head_name, "head_phone": row.head_phone,
                    "created_at": self.now, "updated_at": self.now,
                })
            else:
                changes = _merge(current, row)
                if changes:
                    base = {"floor": current.floor, "head_name": current.head_name,
                            "head_phone": current.head_phone, "occupancy": current.occupancy}
                    updates.append({**base, **changes, "_id": current.id, "updated_at": self.now})
                else:
                    self.report.unchanged += 1
        if inserts:
            db.session.execute(insert(_HOUSEHOLD), inserts)
            self.report.created += len(inserts)
        if updates:
            db.session.execute(
                update(_HOUSEHOLD).where(_HOUSEHOLD.c.id == bindparam("_id")).values(
                    floor=bindparam("floor"), head_name=bindparam("head_name"),
                    head_phone=bindparam("head_phone"), occupancy=bindparam("occupancy"),
                    updated_at=bindparam("updated_at")),
                updates)
            self.report.updated += len(updates)


def import_households(rows: Iterable[SourceRow], district: Area, batch_size: int = 5000,
                      progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import household rows under ``district``, creating missing areas and buildings.

    Streams: rows are checked and written ``batch_size`` at a time. Flushes, never
    commits; on ``ImportRejected`` the caller must roll back.

    Raises:
        ImportRejected: one or more rows were bad (each named by row and column),
            or the same household appears twice in the file.
        household_files.FileFormatError: the file itself cannot be read.
    """
    report = ImportReport()
    registry = _Registry(district, report)
    writer = _Writer(registry, report)
    seen: dict[int, int] = {}
    batch: list[tuple[int, HouseholdRow, _KnownBuilding]] = []
    for source in rows:
        report.rows += 1
        checked = check_row(source)
        if isinstance(checked, list):
            for error in checked:
                report.add_error(error)
            continue
        # A 64-bit hash, not the tuple, keeps memory small; a false match is ~1e-8 at 1M rows.
        key = hash((checked.street, checked.community, checked.building, checked.unit, checked.room))
        if key in seen:
            report.add_error(RowError(source.number, HEADER_OF["room"], f"与第 {seen[key]} 行是同一户"))
            continue
        seen[key] = source.number
        known = registry.building(checked, source.number)
        if isinstance(known, RowError):
            report.add_error(known)
            continue
        if report.error_count:
            continue  # nothing will be kept: only go on checking
        batch.append((source.number, checked, known))
        if len(batch) >= batch_size:
            writer.write(batch)
            batch.clear()
            if progress:
                progress(report.rows)
    if report.error_count:
        raise ImportRejected(report)
    if batch:
        writer.write(batch)
    if progress:
        progress(report.rows)
    return report
