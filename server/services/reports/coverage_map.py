"""The coverage map: every building under an area with its coverage colour, placed or waiting for a position."""
from __future__ import annotations

from dataclasses import dataclass

from models import Area, Building, Campaign, LedgerBuilding
from server.extensions import db
from server.services.ledger.counters import rates
from server.services.registry.areas import buildings_under
from server.services.registry.positions import Suggestion, suggestions_under

#: The contact rate under which a building is red, and under which it is amber; green from the second on.
RED_BELOW, AMBER_BELOW = 0.3, 0.8


def coverage_colour(counts: LedgerBuilding | None) -> str:
    """Red under 30 % contacted, amber to 80 %, green above; grey with nothing in scope (or no counters yet)."""
    contacted = rates(counts)["contacted"] if counts is not None else None
    if contacted is None:
        return "grey"
    return "red" if contacted < RED_BELOW else "amber" if contacted < AMBER_BELOW else "green"


@dataclass
class MapBuilding:
    building: Building
    households: int
    in_scope: int
    contacted: int
    colour: str
    #: For a building with no position: where its visits' fixes suggest it stands, if they do.
    suggestion: Suggestion | None = None


@dataclass
class CoverageMap:
    placed: list[MapBuilding]
    unplaced: list[MapBuilding]


def buildings_on_map(campaign: Campaign, area: Area) -> CoverageMap:
    """The buildings under ``area`` with their coverage in ``campaign``, by grid and name: those with a position,
    and those without (with the position their visits suggest, if any). Raises nothing."""
    rows = db.session.execute(
        buildings_under(area).add_columns(LedgerBuilding).outerjoin(
            LedgerBuilding, (LedgerBuilding.building_id == Building.id) & (LedgerBuilding.campaign_id == campaign.id))
        .order_by(Building.grid_id, Building.name)).all()
    suggestions = suggestions_under(area)
    found = CoverageMap([], [])
    for building, counts in rows:
        shown = MapBuilding(building, counts.households if counts else 0, counts.in_scope if counts else 0,
                            counts.contacted if counts else 0, coverage_colour(counts))
        if building.has_position:
            found.placed.append(shown)
        else:
            shown.suggestion = suggestions.get(building.id)
            found.unplaced.append(shown)
    return found
