"""The live ledger (台账): household progress per campaign, and roll-ups that move with every visit.

``HouseholdProgress`` holds one household's flags in one campaign. Each change
of flags becomes a delta added, in the same transaction, to the counters of the
household's building and of every area above it (grid, community, street,
district). Reading an area's coverage then costs one row per area shown.
Counters move by ``SET c = c + delta`` in one upsert per row, so concurrent
writers never lose an update.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from models import (COUNTERS, DAY_COUNTERS, QUIZ_FLAGS, SATISFIED_TOP, Area, AreaLevel, Building, Campaign, Household, HouseholdProgress,
                    LedgerArea, LedgerBuilding, LedgerDay, Outcome, Standing, evidences)
from server.extensions import db
from server.services.registry.door_order import by_code_point, natural
from server.timefmt import SHANGHAI


def counts_of(household: Household, progress: HouseholdProgress | None) -> dict[str, int]:
    """The household's contribution to each roll-up counter: 0 or 1 (``Standing.counts``)."""
    return Standing(household, progress).counts()


def snapshot(household: Household, progress: HouseholdProgress | None) -> dict:
    """The progress a phone sees: ``{"visited","contacted","pledged","documented","revisit_due",…}``.

    What was recorded at the door, and whether a revisit is due (never for a household confirmed vacant).
    """
    standing = Standing(household, progress)
    return {"visited": standing.visited, "contacted": standing.contacted, "pledged": standing.pledged,
            "documented": standing.documented, "revisit_due": standing.revisit_due,
            "last_outcome": progress.last_outcome.value if progress and progress.last_outcome else None,
            "last_visit_at": progress.last_visit_at.isoformat() if progress and progress.last_visit_at else None,
            "visits": progress.visits if progress else 0}


def _insert(dialect_name: str):
    return (postgresql if dialect_name == "postgresql" else sqlite).insert


_STATEMENTS: dict[tuple[str, str], object] = {}


def _statement(kind: str):
    """The hot-path statements, built once per dialect with bind parameters, so each call only executes.

    ``counters``: add a row's deltas to a roll-up (``SET c = c + excluded.c``, one upsert per row,
    so concurrent writers never lose an update); ``progress``: create a household's progress row if missing.
    """
    dialect = db.session.get_bind().dialect.name
    key = (dialect, kind)
    if key not in _STATEMENTS:
        insert = _insert(dialect)
        if kind == "progress":
            _STATEMENTS[key] = insert(HouseholdProgress).values(
                household_id=bindparam("household_id"), campaign_id=bindparam("campaign_id"), visits=0,
                visited=False, contacted=False, evidenced=False, pledged=False,
                vacant_reported=False, **dict.fromkeys(QUIZ_FLAGS, False)).on_conflict_do_nothing()
        else:
            table, keys, counters = {"building": (LedgerBuilding.__table__, ("building_id",), COUNTERS),
                                     "area": (LedgerArea.__table__, ("area_id",), COUNTERS),
                                     "day": (LedgerDay.__table__, ("area_id", "day"), DAY_COUNTERS)}[kind]
            statement = insert(table)
            _STATEMENTS[key] = statement.on_conflict_do_update(
                index_elements=[table.c.campaign_id, *[table.c[k] for k in keys]],
                set_={name: table.c[name] + statement.excluded[name] for name in counters})
    return _STATEMENTS[key]


def lock_progress(household: Household, campaign: Campaign) -> HouseholdProgress:
    """The household's progress row in the campaign, created if missing and locked until commit.

    On PostgreSQL the row is locked (``FOR UPDATE``), so that two workers at the
    same door are counted once; SQLite serialises writers on its own. The
    household's occupancy is then read afresh under a share lock: a head
    confirming the household vacant at that moment (``occupancy``) either
    commits first, and this change is counted out of scope, or waits for it.
    """
    db.session.execute(_statement("progress"), {"household_id": household.id, "campaign_id": campaign.id})
    progress = db.session.scalars(
        select(HouseholdProgress).where(HouseholdProgress.household_id == household.id,
                                        HouseholdProgress.campaign_id == campaign.id)
        .with_for_update().execution_options(populate_existing=True)).one()
    db.session.refresh(household, ["occupancy"], with_for_update={"read": True})
    return progress


def apply_change(household: Household, campaign: Campaign, before: dict[str, int], after: dict[str, int]) -> None:
    """Move the roll-ups of the household's building and of every area above it by ``after - before``."""
    delta = {name: after[name] - before[name] for name in COUNTERS if after[name] != before[name]}
    if delta:
        bump(campaign.id, household.building, delta)


def bump(campaign_id: int, building: Building, delta: dict[str, int]) -> None:
    """Add ``delta`` to the counters of ``building`` and of its grid and every area above it."""
    counts = {**dict.fromkeys(COUNTERS, 0), **delta}
    db.session.execute(_statement("building"), [{"campaign_id": campaign_id, "building_id": building.id, **counts}])
    db.session.execute(_statement("area"), [{"campaign_id": campaign_id, "area_id": area_id, **counts}
                                            for area_id in building.grid.ancestor_ids])


def local_day(moment: dt.datetime) -> dt.date:
    """The Beijing-time date of a UTC moment: the day a trend counts it on."""
    return moment.astimezone(SHANGHAI).date()


def record_day(campaign_id: int, grid: Area, moment: dt.datetime, before: dict[str, int], after: dict[str, int],
               visits: int = 0, contacts: int = 0, pledges: int = 0) -> None:
    """Count an event on its day for the grid and every area above it (trends, week-on-week change)."""
    counts = {"visits": visits, "contacts": contacts, "pledges": pledges,
              "new_contacted": after["contacted"] - before["contacted"],
              "new_documented": after["documented"] - before["documented"]}
    counts = {name: n for name, n in counts.items() if n}
    if not counts:
        return
    day, counts = local_day(moment), {**dict.fromkeys(DAY_COUNTERS, 0), **counts}
    db.session.execute(_statement("day"), [{"campaign_id": campaign_id, "area_id": area_id, "day": day, **counts}
                                           for area_id in grid.ancestor_ids])


def move_days(campaign_id: int, days: dict[tuple[int, dt.date], dict[str, int]], sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) daily counters by (area, day), as a household enters or leaves the scope."""
    if days:
        db.session.execute(_statement("day"), [
            {"campaign_id": campaign_id, "area_id": area_id, "day": day,
             **{name: sign * counts.get(name, 0) for name in DAY_COUNTERS}} for (area_id, day), counts in days.items()])


# -- reading --------------------------------------------------------------------------------------------------

#: The counters a rate is given for: 走访率, 入户率, 签字率, 三有率.
RATED = ("visited", "contacted", "pledged", "documented")


def rate(part: int, whole: int) -> float | None:
    """``part`` over ``whole`` to four places (0.1234 = 12.34 %); None when ``whole`` is 0. Every rate shown is this."""
    return round(part / whole, 4) if whole else None


def rates(counts) -> dict[str, float | None]:
    """The rates of a roll-up (a dict of ``COUNTERS``, or a row holding them).

    走访率, 入户率, 签字率, 三有率 over the households in scope; 知晓率 (``knowledge``) over the quiz's
    respondents, 满意度 (``satisfaction``) over the satisfaction question's: each shown beside its count.
    """
    get = counts.get if isinstance(counts, dict) else lambda name: getattr(counts, name)
    shares = {name: rate(get(name) or 0, get("in_scope") or 0) for name in RATED}
    shares["knowledge"] = rate(get("quiz_passed") or 0, get("quiz_respondents") or 0)
    shares["satisfaction"] = rate(get("satisfied") or 0, get("satisfaction_respondents") or 0)
    return shares


@dataclass
class LedgerRow:
    """One line of the ledger: an area or a building with its counters."""

    kind: str  # "area" or "building"
    id: int
    name: str
    level: str | None
    counts: dict[str, int]

    @property
    def rates(self) -> dict[str, float | None]:
        """Each counter over the households in scope (vacant ones leave the denominator)."""
        return rates(self.counts)


@dataclass
class LedgerView:
    campaign: Campaign
    node: LedgerRow
    children: list[LedgerRow] = field(default_factory=list)


def counters_of(row) -> dict[str, int]:
    return {name: (getattr(row, name) or 0) if row is not None else 0 for name in COUNTERS}


def ledger_view(campaign: Campaign, area: Area) -> LedgerView:
    """The coverage of ``area`` in ``campaign`` and of each of its children (buildings, for a grid).

    Costs one row for the area and one per child, whatever lies beneath.
    """
    own = db.session.get(LedgerArea, (campaign.id, area.id))
    node = LedgerRow("area", area.id, area.name, area.level.value, counters_of(own))
    if area.level is AreaLevel.GRID:
        rows = db.session.execute(
            select(Building, LedgerBuilding).outerjoin(
                LedgerBuilding, (LedgerBuilding.building_id == Building.id) & (LedgerBuilding.campaign_id == campaign.id))
            .where(Building.grid_id == area.id).order_by(*natural(Building.name), Building.id))
        children = [LedgerRow("building", b.id, b.name, None, counters_of(counts)) for b, counts in rows]
    else:
        rows = db.session.execute(
            select(Area, LedgerArea).outerjoin(
                LedgerArea, (LedgerArea.area_id == Area.id) & (LedgerArea.campaign_id == campaign.id))
            .where(Area.parent_id == area.id).order_by(by_code_point(Area.path)))
        children = [LedgerRow("area", a.id, a.name, a.level.value, counters_of(counts)) for a, counts in rows]
    return LedgerView(campaign, node, children)


# -- folding visits ---------------------------------------------------------------------------------------

def fold_visit(progress, outcome: Outcome, visited_at: dt.datetime, has_photo: bool, has_material: bool) -> None:
    """Fold one visit into a household's progress: the one rule, live and in a rebuild alike.

    The visit count is the caller's; the last outcome is that of the latest visit by the phone's clock.
    """
    progress.visited = True
    if outcome is Outcome.CONTACTED:
        progress.contacted = True
    if evidences(outcome, has_photo, has_material):
        progress.evidenced = True
    if outcome is Outcome.VACANT:
        progress.vacant_reported = True
    if progress.last_visit_at is None or visited_at >= progress.last_visit_at:
        progress.last_visit_at = visited_at
        progress.last_outcome = outcome


def fold_quiz(progress, passed: bool | None, satisfaction: int | None) -> None:
    """Make a household's current quiz answer the one given: the one rule, live and in a rebuild alike.

    ``passed`` is None when the questions were not answered; ``satisfaction`` the option chosen, or None.
    """
    progress.quiz_respondents = passed is not None
    progress.quiz_passed = bool(passed)
    progress.satisfaction_respondents = satisfaction is not None
    progress.satisfied = satisfaction is not None and satisfaction < SATISFIED_TOP
