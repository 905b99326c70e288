"""The head's assignment page: under an area, grid by grid, each building with whom it was given to, the workers
who may be given it, and the buildings nobody was given yet (未分配楼栋)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Area, Assignment, Building, Campaign, User
from server.extensions import db
from server.services.access.scope import area_in_scope
from server.services.canvassing.assignments import assignments_in
from server.services.canvassing.team import workers_under
from server.services.registry.areas import grid_ids_under
from server.services.registry.door_order import natural


@dataclass
class GridBoard:
    grid: Area
    #: Each building of the grid with its assignments (whole building first, then units), in natural order.
    buildings: list[tuple[Building, list[Assignment]]] = field(default_factory=list)
    #: The active field workers whose areas hold the grid: whom its buildings may be given to.
    workers: list[User] = field(default_factory=list)

    @property
    def unassigned(self) -> list[Building]:
        return [building for building, given in self.buildings if not given]


def workers_for(grid: Area, among: list[User]) -> list[User]:
    """The active field workers of ``among`` whose areas hold ``grid``."""
    return [w for w in among if w.active and area_in_scope(w, grid)]


def assignment_board(campaign: Campaign, area: Area) -> list[GridBoard]:
    """Grid by grid under ``area`` (and the campaign's area): buildings, their assignees and the grid's workers."""
    buildings = list(db.session.scalars(
        select(Building).join(Area, Area.id == Building.grid_id)
        .where(Building.grid_id.in_(grid_ids_under(area)), Building.grid_id.in_(grid_ids_under(campaign.area)))
        .options(joinedload(Building.grid).joinedload(Area.parent))
        .order_by(Area.path, *natural(Building.name), Building.id)))
    given = assignments_in(campaign, buildings)
    team = workers_under(area)
    boards: dict[int, GridBoard] = {}
    for building in buildings:
        board = boards.get(building.grid_id)
        if board is None:
            board = boards[building.grid_id] = GridBoard(building.grid, workers=workers_for(building.grid, team))
        board.buildings.append((building, given[building.id]))
    return list(boards.values())


def building_board(campaign: Campaign, building: Building) -> GridBoard:
    """One building's assignments and the workers it may be given to, for its chart page."""
    return GridBoard(building.grid, [(building, assignments_in(campaign, [building])[building.id])],
                     workers_for(building.grid, workers_under(building.grid)))
