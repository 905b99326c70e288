"""Recounting the ledger from its source rows: after an import, a vacancy, or to find and fix drift.

The live counters move with every visit (see ``ledger.counters``). A rebuild replays the
campaign's visits and pledges household by household, a slice of households at a
time, so that its memory stays flat however large the city: what is held at once
is one slice's rows, one counter row per building and area, and one per area and day.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import func, select

from models import (COUNTERS, DAY_COUNTERS, QUIZ_FLAGS, Area, Building, Campaign, Household, HouseholdProgress,
                    LedgerArea, LedgerBuilding, LedgerDay, Occupancy, Outcome, Pledge, QuizAnswer, Standing, Visit, VisitMaterial)
from server.extensions import db
from server.services.ledger.counters import (apply_change, counters_of, counts_of, fold_quiz, fold_visit, local_day,
                                             lock_progress, move_days)
from server.services.registry.areas import grid_ids_under, subtree_filter

SLICE = 20_000  # households replayed per pass

VISIT, PLEDGE = 0, 1  # the order of two events the server received at the same instant


@dataclass
class Drift:
    """What a rebuild found wrong and fixed."""

    campaign_id: int
    progress_rows_fixed: int = 0
    rollups_fixed: list[tuple[str, int, dict]] = field(default_factory=list)  # (kind, id, {counter: (had, now)})


@dataclass
class _Progress:
    """Progress being recomputed, with the attributes of ``HouseholdProgress``."""

    visits: int = 0
    visited: bool = False
    contacted: bool = False
    evidenced: bool = False
    pledged: bool = False
    vacant_reported: bool = False
    last_outcome: Outcome | None = None
    last_visit_at: dt.datetime | None = None
    quiz_respondents: bool = False
    quiz_passed: bool = False
    satisfaction_respondents: bool = False
    satisfied: bool = False


# -- building and area counters -------------------------------------------------------------------------------

def expected_rollups(campaign: Campaign) -> tuple[dict[int, dict], dict[int, dict]]:
    """The counters every building and area should hold, counted afresh from the household rows.

    One grouped query over the households under the campaign's area and their progress rows, each
    counter the sum of ``Standing.counts`` — the same predicates the live ledger moves by.
    """
    counted = Standing.sql().counts()
    by_building = {row.building_id: {name: int(getattr(row, name) or 0) for name in COUNTERS} for row in
                   db.session.execute(
                       select(Household.building_id, *[func.sum(counted[name]).label(name) for name in COUNTERS])
                       .join(Building, Household.building_id == Building.id)
                       .outerjoin(HouseholdProgress, (HouseholdProgress.household_id == Household.id)
                                  & (HouseholdProgress.campaign_id == campaign.id))
                       .where(Building.grid_id.in_(grid_ids_under(campaign.area)))
                       .group_by(Household.building_id))}
    grid_paths = dict(db.session.execute(
        select(Building.id, Area.path).join(Area, Building.grid_id == Area.id)
        .where(subtree_filter(campaign.area))).all())
    by_area: dict[int, dict] = {}
    for building_id, counts in by_building.items():
        for area_id in _ancestors(grid_paths[building_id]):
            totals = by_area.setdefault(area_id, dict.fromkeys(COUNTERS, 0))
            for name in COUNTERS:
                totals[name] += counts[name]
    return by_building, by_area


def _ancestors(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/")]


def _reconcile(campaign: Campaign, drift: Drift, columns: tuple[str, ...]) -> None:
    by_building, by_area = expected_rollups(campaign)
    for model, key, expected, kind in ((LedgerBuilding, "building_id", by_building, "building"),
                                       (LedgerArea, "area_id", by_area, "area")):
        stored = {getattr(r, key): r for r in db.session.scalars(select(model).where(model.campaign_id == campaign.id))}
        for node_id in set(stored) | set(expected):
            want = expected.get(node_id, dict.fromkeys(COUNTERS, 0))
            row = stored.get(node_id)
            have = counters_of(row)
            wrong = {k: (have[k], want[k]) for k in columns if have[k] != want[k]}
            if not wrong:
                continue
            drift.rollups_fixed.append((kind, node_id, wrong))
            if row is None:
                row = model(campaign_id=campaign.id, **{key: node_id}, **dict.fromkeys(COUNTERS, 0))
                db.session.add(row)
            for k in columns:
                setattr(row, k, want[k])
    db.session.flush()


# -- household progress and daily counters, replayed ---------------------------------------------------------

def _slices(campaign: Campaign) -> Iterator[tuple[int, int]]:
    """Household id ranges covering every household with a visit, a pledge or a progress row in the campaign."""
    bounds = [db.session.execute(select(func.min(column), func.max(column)).where(where)).one()
              for column, where in ((Visit.household_id, Visit.campaign_id == campaign.id),
                                    (Pledge.household_id, Pledge.campaign_id == campaign.id),
                                    (QuizAnswer.household_id, QuizAnswer.campaign_id == campaign.id),
                                    (HouseholdProgress.household_id, HouseholdProgress.campaign_id == campaign.id))]
    lows, highs = [lo for lo, _ in bounds if lo is not None], [hi for _, hi in bounds if hi is not None]
    if not lows:
        return
    for start in range(min(lows), max(highs) + 1, SLICE):
        yield start, start + SLICE - 1


def _events(campaign: Campaign, lo: int, hi: int) -> dict[int, list[tuple]]:
    """Each household's visits and pledges in [lo, hi], in the order the server received them.

    An event is (received_at, kind, visit id or "", day moment, visit row or None).
    """
    events: dict[int, list[tuple]] = {}
    visit_days: dict[str, dt.datetime] = {}
    for row in db.session.execute(
            select(Visit.id, Visit.household_id, Visit.outcome, Visit.visited_at, Visit.received_at,
                   Visit.photo_file_id.is_not(None).label("has_photo"),
                   Visit.id.in_(select(VisitMaterial.visit_id)).label("has_material"))
            .where(Visit.campaign_id == campaign.id, Visit.household_id.between(lo, hi),
                   Visit.found_false_at.is_(None))):  # a visit found false counts nowhere
        visit_days[row.id] = row.visited_at
        events.setdefault(row.household_id, []).append((row.received_at, VISIT, row.id, row.visited_at, row))
    for household_id, signed_at, visit_id in db.session.execute(
            select(Pledge.household_id, Pledge.signed_at, Pledge.visit_id)
            .where(Pledge.campaign_id == campaign.id, Pledge.household_id.between(lo, hi))):
        moment = visit_days.get(visit_id, signed_at)  # a pledge signed at the door counts on the visit's day
        events.setdefault(household_id, []).append((signed_at, PLEDGE, "", moment, None))
    for household_events in events.values():
        household_events.sort(key=lambda e: e[:3])
    return events


def _current_answers(campaign: Campaign, lo: int, hi: int) -> dict[int, tuple[bool | None, int | None]]:
    """Each household's current quiz answer in [lo, hi] (the latest received): (passed, satisfaction)."""
    latest = (select(func.max(QuizAnswer.id)).where(QuizAnswer.campaign_id == campaign.id,
                                                    QuizAnswer.household_id.between(lo, hi))
              .group_by(QuizAnswer.household_id))
    return {row.household_id: (row.passed, row.satisfaction) for row in db.session.execute(
        select(QuizAnswer.household_id, QuizAnswer.passed, QuizAnswer.satisfaction)
        .where(QuizAnswer.id.in_(latest)))}


def _replay(household_events: list[tuple], household, path: str,
            days: dict[tuple[int, dt.date], dict[str, int]]) -> _Progress:
    """Fold one household's events into its progress, adding what each did to the daily counters.

    ``household`` is anything with its ``occupancy``: out of scope, it becomes contacted or documented on no
    day (``new_contacted`` and ``new_documented`` count as the roll-ups do), though its visits still happened.
    """
    progress = _Progress()
    areas = _ancestors(path)
    for _, kind, _, moment, row in household_events:
        before = Standing(household, progress).counts()
        counts = dict.fromkeys(DAY_COUNTERS, 0)
        if kind == VISIT:
            progress.visits += 1
            fold_visit(progress, row.outcome, row.visited_at, bool(row.has_photo), bool(row.has_material))
            counts["visits"], counts["contacts"] = 1, int(row.outcome is Outcome.CONTACTED)
        else:
            progress.pledged = True
            counts["pledges"] = 1
        after = Standing(household, progress).counts()
        counts["new_contacted"] = after["contacted"] - before["contacted"]
        counts["new_documented"] = after["documented"] - before["documented"]
        for area_id in areas:
            totals = days.setdefault((area_id, local_day(moment)), dict.fromkeys(DAY_COUNTERS, 0))
            for name, n in counts.items():
                totals[name] += n
    return progress


def _fix_progress(campaign: Campaign, lo: int, hi: int, fresh: dict[int, _Progress]) -> int:
    """Make the stored progress rows in [lo, hi] equal ``fresh``; returns the rows fixed."""
    fixed = 0
    stored = {p.household_id: p for p in db.session.scalars(
        select(HouseholdProgress).where(HouseholdProgress.campaign_id == campaign.id,
                                        HouseholdProgress.household_id.between(lo, hi)))}
    for household_id, progress in fresh.items():
        values = vars(progress)
        row = stored.pop(household_id, None)
        if row is None:
            db.session.add(HouseholdProgress(household_id=household_id, campaign_id=campaign.id, **values))
            fixed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            fixed += 1
    for row in stored.values():  # progress with no visit or pledge behind it
        db.session.delete(row)
        fixed += 1
    db.session.flush()
    return fixed


def replay_households(campaign: Campaign) -> tuple[int, dict[tuple[int, dt.date], dict[str, int]]]:
    """Rebuild every household's progress from its visits, pledges and current quiz answer, a slice at a time.

    Returns the progress rows fixed, and the daily counters every (area, day) should hold.
    """
    fixed, days = 0, {}
    for lo, hi in _slices(campaign):
        events, answers = _events(campaign, lo, hi), _current_answers(campaign, lo, hi)
        households = {row.id: row for row in db.session.execute(
            select(Household.id, Household.occupancy, Area.path).join(Building, Household.building_id == Building.id)
            .join(Area, Building.grid_id == Area.id).where(Household.id.between(lo, hi)))} if events or answers else {}
        fresh = {household_id: _replay(events.get(household_id, []), households[household_id],
                                       households[household_id].path, days)
                 for household_id in set(events) | set(answers)}
        for household_id, (passed, satisfaction) in answers.items():
            fold_quiz(fresh[household_id], passed, satisfaction)
        fixed += _fix_progress(campaign, lo, hi, fresh)
    return fixed, {key: counts for key, counts in days.items() if any(counts.values())}


#: A household counted in scope, to replay what one would count (``days_counted_in_scope``).
_IN_SCOPE = SimpleNamespace(occupancy=Occupancy.OCCUPIED)


def days_counted_in_scope(campaign: Campaign, household: Household) -> dict[tuple[int, dt.date], dict[str, int]]:
    """The days on which ``household``, counted in scope, became contacted and documented, for each area above it.

    What its leaving the scope takes from the daily counters, and its coming back gives back to them.
    """
    days: dict[tuple[int, dt.date], dict[str, int]] = {}
    _replay(_events(campaign, household.id, household.id).get(household.id, []), _IN_SCOPE,
            household.building.grid.path, days)
    return {key: {"new_contacted": counts["new_contacted"], "new_documented": counts["new_documented"]}
            for key, counts in days.items() if counts["new_contacted"] or counts["new_documented"]}


def _days_replayed(campaign: Campaign, household: Household) -> tuple[_Progress, dict]:
    days: dict[tuple[int, dt.date], dict[str, int]] = {}
    progress = _replay(_events(campaign, household.id, household.id).get(household.id, []), household,
                       household.building.grid.path, days)
    return progress, days


def strike_visit(visit: Visit, moment: dt.datetime) -> None:
    """Mark ``visit`` found false and take it out of the ledger: its household's progress is replayed from the
    visits and pledges that remain, and the roll-ups and daily counters move by the difference. Flushes."""
    if visit.found_false_at is not None:
        return
    campaign, household = db.session.get(Campaign, visit.campaign_id), db.session.get(Household, visit.household_id)
    progress = lock_progress(household, campaign)
    before = counts_of(household, progress)
    _, days_before = _days_replayed(campaign, household)
    visit.found_false_at = moment
    db.session.flush()
    fresh, days_after = _days_replayed(campaign, household)
    for key, value in vars(fresh).items():
        if key not in QUIZ_FLAGS:  # the quiz answer stands whatever became of the visit
            setattr(progress, key, value)
    after = counts_of(household, progress)
    apply_change(household, campaign, before, after)
    change = {}
    for key in set(days_before) | set(days_after):
        had, now = days_before.get(key, {}), days_after.get(key, {})
        delta = {name: now.get(name, 0) - had.get(name, 0) for name in DAY_COUNTERS}
        if any(delta.values()):
            change[key] = delta
    move_days(campaign.id, change, 1)
    answered = db.session.scalar(select(QuizAnswer.id).where(QuizAnswer.campaign_id == campaign.id,
                                                             QuizAnswer.household_id == household.id).limit(1))
    if not fresh.visits and not fresh.pledged and answered is None:  # nothing left behind it, as a rebuild finds
        db.session.delete(progress)
    db.session.flush()


def _reconcile_days(campaign: Campaign, drift: Drift, expected: dict[tuple[int, dt.date], dict[str, int]]) -> None:
    stored = {(r.area_id, r.day): r
              for r in db.session.scalars(select(LedgerDay).where(LedgerDay.campaign_id == campaign.id))}
    for key in set(stored) | set(expected):
        want = expected.get(key, dict.fromkeys(DAY_COUNTERS, 0))
        row = stored.get(key)
        have = {name: getattr(row, name) if row is not None else 0 for name in DAY_COUNTERS}
        if have == want:
            continue
        drift.rollups_fixed.append(("day", key[0], {f"{key[1]} {k}": (have[k], want[k])
                                                     for k in DAY_COUNTERS if have[k] != want[k]}))
        if row is None:
            db.session.add(LedgerDay(campaign_id=campaign.id, area_id=key[0], day=key[1], **want))
        else:
            for name, n in want.items():
                setattr(row, name, n)
    db.session.flush()


# -- entry points -------------------------------------------------------------------------------------------

def rebuild_ledger(campaign: Campaign) -> Drift:
    """Recompute the campaign's ledger from visits, pledges and households; fix and report any drift. Flushes."""
    fixed, days = replay_households(campaign)
    drift = Drift(campaign.id, progress_rows_fixed=fixed)
    _reconcile(campaign, drift, COUNTERS)
    _reconcile_days(campaign, drift, days)
    return drift


def refresh_population(campaign: Campaign) -> Drift:
    """Recount households and those in scope under the campaign (after an import or a vacancy). Flushes."""
    drift = Drift(campaign.id)
    _reconcile(campaign, drift, ("households", "in_scope"))
    return drift
