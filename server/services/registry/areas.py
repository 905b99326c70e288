"""The administrative tree: making areas and asking what lies beneath them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, select

from models import Area, AreaLevel, Building, CommunityType, Household, Occupancy
from models.base import MAX_RECORD_ID
from server.extensions import db


class AreaError(ValueError):
    """An area that cannot be made as asked (wrong level under its parent, bad type)."""


def create_area(name: str, level: AreaLevel, parent: Area | None = None,
                community_type: CommunityType | None = None) -> Area:
    """Add an area under ``parent`` and give it its materialized path.

    Raises:
        AreaError: as ``new_area``.
    """
    area = new_area(name, level, parent, community_type)
    db.session.flush()  # for the id; the path goes out with the next flush (queries autoflush)
    assign_path(area)
    return area


def new_area(name: str, level: AreaLevel, parent: Area | None = None,
             community_type: CommunityType | None = None) -> Area:
    """Add an area to the session without flushing: for making many at once.

    Once flushed, each new area needs ``assign_path``, parents before children.

    Raises:
        AreaError: a district with a parent, another level without the right parent,
            or a community type on something that is not a community.
    """
    level = AreaLevel(level)
    if level is AreaLevel.DISTRICT:
        if parent is not None:
            raise AreaError("区是最高一级，不能有上级")
    elif parent is None or parent.level is not level.parent:
        raise AreaError(f"{level.label}的上级必须是{level.parent.label}")
    if community_type is not None and level is not AreaLevel.COMMUNITY:
        raise AreaError("只有社区才有社区类型")
    area = Area(name=name, level=level, parent=parent, community_type=community_type)
    db.session.add(area)
    return area


def add_child_area(parent: Area | None, name: str, level: AreaLevel | None = None,
                   community_type: CommunityType | None = None) -> Area:
    """Add an area one level below ``parent`` (a district when ``parent`` is None), named ``name``.

    Raises:
        AreaError: an empty or over-long name, a grid asked for a child, a level that does not follow the
            parent's, or a sibling of the same name.
    """
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise AreaError("名称不能为空，且不超过 64 个字")
    expected = parent.level.child if parent is not None else AreaLevel.DISTRICT
    if expected is None:
        raise AreaError("网格是最低一级，下面不能再分")
    if level is not None and AreaLevel(level) is not expected:
        raise AreaError(f"“{parent.name if parent else '最高一级'}”下面只能建{expected.label}")
    sibling = select(Area.id).where(Area.name == name, Area.level == expected,
                                    Area.parent_id == parent.id if parent is not None else Area.parent_id.is_(None))
    if db.session.scalar(sibling) is not None:
        raise AreaError(f"已有名为“{name}”的{expected.label}")
    return create_area(name, expected, parent, community_type)


def find_area(area_id) -> Area | None:
    """The area ``area_id`` names, whoever asks (a caller that must check scope does); None when it names none:
    no such area, or not a record id at all (a tampered form field). Raises nothing."""
    if not isinstance(area_id, int) or not 1 <= area_id <= MAX_RECORD_ID:
        return None
    return db.session.get(Area, area_id)


def child_areas(area: Area) -> list[Area]:
    """The areas one level beneath ``area``, in tree order (none beneath a grid)."""
    return list(db.session.scalars(areas_under(area, area.level.child))) if area.level.child else []


def area_tree(area: Area) -> list[Area]:
    """``area`` and everything beneath it, in tree order (parents before children, siblings by path)."""
    return list(db.session.scalars(areas_under(area)))


def areas_of(user) -> list[Area]:
    """Every area at or beneath the user's areas, each once, tree by tree: what the user may pick."""
    found: dict[int, Area] = {}
    for scope in user.areas:
        for area in area_tree(scope):
            found.setdefault(area.id, area)
    return list(found.values())


def assign_path(area: Area) -> None:
    """Set the materialized path of a flushed area whose parent already has its path."""
    area.path = f"{area.parent.path if area.parent else '/'}{area.id}/"


def subtree_filter(area: Area, column=Area.path):
    """A SQL condition true for ``area`` and every area beneath it.

    It is a range on the materialized path, which a plain B-tree index serves on
    both databases: "0" is the character after "/", so ``/1/5/`` ≤ path < ``/1/50``
    holds exactly for the paths that start with ``/1/5/``.
    """
    return and_(column >= area.path, column < area.path[:-1] + "0")


def areas_under(area: Area, level: AreaLevel | None = None) -> Select:
    """Areas at or beneath ``area``, optionally of one level, in tree order."""
    query = select(Area).where(subtree_filter(area)).order_by(Area.path)
    if level is not None:
        query = query.where(Area.level == AreaLevel(level))
    return query


def grids_under(area: Area) -> list[Area]:
    """The grids at or beneath ``area``, in tree order."""
    return list(db.session.scalars(areas_under(area, AreaLevel.GRID)))


def grid_ids_under(area: Area) -> Select:
    """The ids of the grids at or beneath ``area``, as a subquery."""
    return select(Area.id).where(subtree_filter(area), Area.level == AreaLevel.GRID)


def buildings_under(area: Area) -> Select:
    """Buildings whose grid lies at or beneath ``area``."""
    return select(Building).where(Building.grid_id.in_(grid_ids_under(area)))


def households_under(area: Area) -> Select:
    """Every household under ``area``: one query, by index from the area path down.

    The plan walks the path index for the grids, the building index for their
    buildings, and the (building, unit, room) index for their households.
    """
    buildings = select(Building.id).where(Building.grid_id.in_(grid_ids_under(area)))
    return select(Household).where(Household.building_id.in_(buildings))


def count_households_under(area: Area) -> int:
    """How many households lie under ``area``."""
    query = households_under(area).with_only_columns(func.count(Household.id)).order_by(None)
    return db.session.scalar(query)


@dataclass(frozen=True)
class AreaSummary:
    """What lies under an area: grids, buildings and households by occupancy."""

    area: Area
    grids: int
    buildings: int
    households: int
    occupied: int
    vacant: int
    unknown: int


def summarize_area(area: Area) -> AreaSummary:
    """Count the grids, buildings and households (by occupancy) under ``area``."""
    grids = db.session.scalar(select(func.count()).select_from(grid_ids_under(area).subquery()))
    buildings = db.session.scalar(
        select(func.count(Building.id)).where(Building.grid_id.in_(grid_ids_under(area))))
    by_occupancy = dict(db.session.execute(
        households_under(area).with_only_columns(Household.occupancy, func.count(Household.id))
        .group_by(Household.occupancy).order_by(None)).all())
    return AreaSummary(
        area=area, grids=grids, buildings=buildings, households=sum(by_occupancy.values()),
        occupied=by_occupancy.get(Occupancy.OCCUPIED, 0), vacant=by_occupancy.get(Occupancy.VACANT, 0),
        unknown=by_occupancy.get(Occupancy.UNKNOWN, 0),
    )
