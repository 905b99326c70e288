"""The building chart (楼栋户室图): one cell per household, by floor and by unit and room; and a household's record."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, select

from models import Building, Campaign, Feedback, Household, HouseholdProgress, Outcome, Pledge, Standing, Visit
from server.extensions import db
from server.services.registry.door_order import floor_key, natural_key

#: Cell states, in the order of the legend, with their labels.
STATES = {
    "documented": "三有齐全",
    "pledged": "已签字",
    "contacted": "已入户",
    "refused": "拒绝",
    "not_home": "无人在家（待回访）",
    "reported_vacant": "报空置（待确认）",
    "vacant": "空置",
    "not_visited": "未走访",
}


def household_state(household: Household, progress: HouseholdProgress | None) -> str:
    """The one state a cell shows, the most advanced first, from the ledger's predicates (``Standing``).

    ``vacant`` is a household confirmed vacant (out of scope); one a worker found empty and the head has
    not confirmed is ``reported_vacant``, still in scope. ``not_home`` is exactly a revisit due, unless
    the household has pledged since.
    """
    standing = Standing(household, progress)
    if not standing.in_scope:
        return "vacant"
    if not standing.visited:
        return "not_visited"
    if standing.documented:
        return "documented"
    if standing.pledged:
        return "pledged"
    if standing.contacted:
        return "contacted"
    if standing.revisit_due:
        return "not_home"
    return "reported_vacant" if progress.last_outcome is Outcome.VACANT else "refused"


@dataclass
class Cell:
    household: Household
    state: str


@dataclass
class BuildingChart:
    building: Building
    columns: list[tuple[str, str]]  # (unit, room suffix) left to right
    floors: list[tuple[int | None, list[Cell | None]]] = field(default_factory=list)  # top floor first
    counts: dict[str, int] = field(default_factory=dict)


def _room_suffix(household: Household) -> str:
    """The position on its floor: 501 → 01, 1203 → 03; rooms not numbered by floor keep their name."""
    room, floor = household.room, household.floor
    if floor is not None and room.isdigit() and room.startswith(str(floor)) and len(room) > len(str(floor)):
        return room[len(str(floor)):]
    return room


def building_chart(building: Building, campaign: Campaign) -> BuildingChart:
    """Rows for floors, top first; columns for unit and room; each cell the household's state."""
    rows = db.session.execute(
        select(Household, HouseholdProgress).outerjoin(HouseholdProgress, and_(
            HouseholdProgress.household_id == Household.id, HouseholdProgress.campaign_id == campaign.id))
        .where(Household.building_id == building.id)).all()
    columns = sorted({(h.unit, _room_suffix(h)) for h, _ in rows},
                     key=lambda c: (natural_key(c[0]), natural_key(c[1])))
    index = {column: n for n, column in enumerate(columns)}
    by_floor: dict[int | None, list[Cell | None]] = {}
    counts = dict.fromkeys(STATES, 0)
    for household, progress in rows:
        state = household_state(household, progress)
        counts[state] += 1
        cells = by_floor.setdefault(household.floor, [None] * len(columns))
        cells[index[(household.unit, _room_suffix(household))]] = Cell(household, state)
    floors = sorted(by_floor.items(), key=lambda item: floor_key(item[0]), reverse=True)
    return BuildingChart(building, columns, floors, counts)


@dataclass
class HouseholdRecord:
    household: Household
    progress: HouseholdProgress | None
    state: str
    visits: list[Visit]
    pledges: list[Pledge]
    feedback: list[Feedback]


def household_record(household: Household, campaign: Campaign) -> HouseholdRecord:
    """A household's visits (with photos), pledges (with signatures) and feedback in the campaign."""
    progress = db.session.get(HouseholdProgress, (household.id, campaign.id))
    visits = db.session.scalars(select(Visit).where(Visit.household_id == household.id, Visit.campaign_id == campaign.id)
                                .order_by(Visit.visited_at.desc())).all()
    pledges = db.session.scalars(select(Pledge).where(Pledge.household_id == household.id,
                                                      Pledge.campaign_id == campaign.id).order_by(Pledge.seq)).all()
    feedback = db.session.scalars(select(Feedback).where(Feedback.household_id == household.id)
                                  .order_by(Feedback.created_at.desc())).all()
    return HouseholdRecord(household, progress, household_state(household, progress), list(visits), list(pledges),
                           list(feedback))
