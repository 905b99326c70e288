"""Writing checked register rows into the tree: the streets, communities, grids and buildings they name, made
when missing, and their households, inserted or updated by (building, unit, room) in batches.

What already exists under the district is read once, by name; new areas and buildings are added unflushed and
written with the next batch of households. A cell left blank never erases what is stored. A building placed on
the map by hand keeps its position whatever the file says.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from models import (Area, AreaLevel, Building, CommunityType, Household, Occupancy, PositionSource, household_label,
                    new_door_token, utcnow)
from models.personal import phone_index
from server.database.bulk import bulk_insert
from server.extensions import db
from server.services.canvassing.occupancy import occupancy_changed
from server.services.imports.household_files import HEADER_OF
from server.services.imports.household_rows import HouseholdRow, ImportReport
from server.services.imports.table_files import RowError
from server.services.registry.areas import areas_under, assign_path, new_area

_HOUSEHOLD = Household.__table__
_INSERT_COLUMNS = ("building_id", "unit", "floor", "room", "label", "occupancy", "head_name", "head_phone",
                   "head_phone_index", "token")



@dataclass(slots=True)
class KnownBuilding:
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


class Registry:
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
        self.buildings: dict[tuple[Area, str], KnownBuilding] = {}
        self.by_row: dict[tuple[str, str, str, str], KnownBuilding] = {}
        for chunk_start in range(0, len(community_ids), 500):
            chunk = community_ids[chunk_start:chunk_start + 500]
            for b in db.session.execute(select(Building.id, Building.community_id, Building.grid_id,
                                                Building.name, Building.lat, Building.lng, Building.position_source)
                                         .where(Building.community_id.in_(chunk))):
                self.buildings[(area_of_id[b.community_id], b.name)] = KnownBuilding(
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

    def building(self, row: HouseholdRow, number: int) -> KnownBuilding | RowError:
        """The building a row names, made (with its areas) if missing; or why the row cannot go there."""
        key = (row.street, row.community, row.grid, row.building)
        known = self.by_row.get(key)
        if known is not None and row.community_type is None:
            return known  # the common case: a building seen on an earlier row
        known = self._resolve(row, number)
        if not isinstance(known, RowError):
            self.by_row[key] = known
        return known

    def _resolve(self, row: HouseholdRow, number: int) -> KnownBuilding | RowError:
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
            known = self.buildings[(community, row.building)] = KnownBuilding(None, grid, row.building, pending)
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

    def place_building(self, known: KnownBuilding, row: HouseholdRow, number: int) -> RowError | None:
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


class Writer:
    def __init__(self, registry: Registry, report: ImportReport):
        self.registry = registry
        self.report = report
        self.now = utcnow()

    def write(self, batch: list[tuple[int, HouseholdRow, KnownBuilding]]) -> None:
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
