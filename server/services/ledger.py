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

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.dialects import postgresql, sqlite

from models import (COUNTERS, DAY_COUNTERS, Area, AreaLevel, Building, Campaign, Household, HouseholdProgress,
                    LedgerArea, LedgerBuilding, LedgerDay, Occupancy, Outcome, Pledge, Visit, VisitMaterial)
from server.extensions import db
from server.services.areas import grid_ids_under, subtree_filter
from server.timefmt import SHANGHAI

FLAGS = ("visited", "contacted", "pledged", "documented", "revisit_due")


def flags_of(progress: HouseholdProgress | None) -> dict[str, int]:
    """The household's contribution to each counter: 0 or 1."""
    if progress is None:
        return dict.fromkeys(FLAGS, 0)
    return {"visited": int(progress.visited), "contacted": int(progress.contacted), "pledged": int(progress.pledged),
            "documented": int(progress.documented), "revisit_due": int(progress.revisit_due)}


def snapshot(progress: HouseholdProgress | None) -> dict:
    """The progress a phone sees: ``{"visited","contacted","pledged","documented","last_outcome",…}``."""
    if progress is None:
        return {"visited": False, "contacted": False, "pledged": False, "documented": False,
                "revisit_due": False, "last_outcome": None, "last_visit_at": None, "visits": 0}
    return {"visited": progress.visited, "contacted": progress.contacted, "pledged": progress.pledged,
            "documented": progress.documented, "revisit_due": progress.revisit_due,
            "last_outcome": progress.last_outcome.value if progress.last_outcome else None,
            "last_visit_at": progress.last_visit_at.isoformat() if progress.last_visit_at else None,
            "visits": progress.visits}


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
                vacant_reported=False).on_conflict_do_nothing()
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
    same door are counted once; SQLite serialises writers on its own.
    """
    db.session.execute(_statement("progress"), {"household_id": household.id, "campaign_id": campaign.id})
    return db.session.scalars(
        select(HouseholdProgress).where(HouseholdProgress.household_id == household.id,
                                        HouseholdProgress.campaign_id == campaign.id)
        .with_for_update().execution_options(populate_existing=True)).one()


def apply_change(household: Household, campaign: Campaign, before: dict[str, int], after: dict[str, int]) -> None:
    """Move the roll-ups of the household's building and of every area above it by ``after - before``."""
    delta = {name: after[name] - before[name] for name in FLAGS if after[name] != before[name]}
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


# -- reading --------------------------------------------------------------------------------------------------

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
        base = self.counts["in_scope"]
        return {name: (round(self.counts[name] / base, 4) if base else None)
                for name in ("visited", "contacted", "pledged", "documented")}


@dataclass
class LedgerView:
    campaign: Campaign
    node: LedgerRow
    children: list[LedgerRow] = field(default_factory=list)


def _counts(row) -> dict[str, int]:
    return {name: (getattr(row, name) or 0) if row is not None else 0 for name in COUNTERS}


def ledger_view(campaign: Campaign, area: Area) -> LedgerView:
    """The coverage of ``area`` in ``campaign`` and of each of its children (buildings, for a grid).

    Costs one row for the area and one per child, whatever lies beneath.
    """
    own = db.session.get(LedgerArea, (campaign.id, area.id))
    node = LedgerRow("area", area.id, area.name, area.level.value, _counts(own))
    if area.level is AreaLevel.GRID:
        rows = db.session.execute(
            select(Building, LedgerBuilding).outerjoin(
                LedgerBuilding, (LedgerBuilding.building_id == Building.id) & (LedgerBuilding.campaign_id == campaign.id))
            .where(Building.grid_id == area.id).order_by(func.length(Building.name), Building.name))
        children = [LedgerRow("building", b.id, b.name, None, _counts(counts)) for b, counts in rows]
    else:
        rows = db.session.execute(
            select(Area, LedgerArea).outerjoin(
                LedgerArea, (LedgerArea.area_id == Area.id) & (LedgerArea.campaign_id == campaign.id))
            .where(Area.parent_id == area.id).order_by(Area.path))
        children = [LedgerRow("area", a.id, a.name, a.level.value, _counts(counts)) for a, counts in rows]
    return LedgerView(campaign, node, children)


# -- population and rebuild -----------------------------------------------------------------------------------

def _household_counts_by_building(campaign: Campaign):
    """households and in_scope per building under the campaign's area (one grouped query)."""
    in_scope = func.sum(case((Household.occupancy == Occupancy.VACANT, 0), else_=1))
    return db.session.execute(
        select(Household.building_id, func.count(Household.id), in_scope)
        .join(Building, Household.building_id == Building.id)
        .where(Building.grid_id.in_(grid_ids_under(campaign.area)))
        .group_by(Household.building_id)).all()


def _progress_by_building(campaign: Campaign):
    """Each flag summed per building, from the household progress rows."""
    p = HouseholdProgress
    documented = case((p.evidenced & p.pledged, 1), else_=0)
    revisit = case((~p.contacted & (p.last_outcome == Outcome.NOT_HOME), 1), else_=0)
    return db.session.execute(
        select(Household.building_id, func.sum(case((p.visited, 1), else_=0)),
               func.sum(case((p.contacted, 1), else_=0)), func.sum(case((p.pledged, 1), else_=0)),
               func.sum(documented), func.sum(revisit))
        .join(Household, Household.id == p.household_id)
        .where(p.campaign_id == campaign.id).group_by(Household.building_id)).all()


def expected_rollups(campaign: Campaign) -> tuple[dict[int, dict], dict[int, dict]]:
    """The counters every building and area should hold, counted afresh from the household rows."""
    by_building: dict[int, dict] = {}
    for building_id, households, in_scope in _household_counts_by_building(campaign):
        by_building[building_id] = {**dict.fromkeys(COUNTERS, 0), "households": households,
                                    "in_scope": int(in_scope or 0)}
    for building_id, visited, contacted, pledged, documented, revisit in _progress_by_building(campaign):
        counts = by_building.setdefault(building_id, dict.fromkeys(COUNTERS, 0))
        counts.update(visited=int(visited or 0), contacted=int(contacted or 0), pledged=int(pledged or 0),
                      documented=int(documented or 0), revisit_due=int(revisit or 0))
    grid_paths = dict(db.session.execute(
        select(Building.id, Area.path).join(Area, Building.grid_id == Area.id)
        .where(subtree_filter(campaign.area))).all())
    by_area: dict[int, dict] = {}
    for building_id, counts in by_building.items():
        for area_id in (int(part) for part in grid_paths[building_id].strip("/").split("/")):
            totals = by_area.setdefault(area_id, dict.fromkeys(COUNTERS, 0))
            for name in COUNTERS:
                totals[name] += counts[name]
    return by_building, by_area


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


def fold_visit(progress, outcome: Outcome, visited_at: dt.datetime, has_photo: bool, has_material: bool) -> None:
    """Fold one visit into a household's progress: the one rule, live and in a rebuild alike.

    The visit count is the caller's; the last outcome is that of the latest visit by the phone's clock.
    """
    progress.visited = True
    if outcome is Outcome.CONTACTED:
        progress.contacted = True
        if has_photo and has_material:
            progress.evidenced = True
    if outcome is Outcome.VACANT:
        progress.vacant_reported = True
    if progress.last_visit_at is None or visited_at >= progress.last_visit_at:
        progress.last_visit_at = visited_at
        progress.last_outcome = outcome


def recompute_progress(campaign: Campaign) -> int:
    """Rebuild every household's progress in ``campaign`` from its visit and pledge rows; returns rows fixed."""
    with_material = select(VisitMaterial.visit_id)
    visits = db.session.execute(
        select(Visit.household_id, Visit.outcome, Visit.visited_at, Visit.photo_file_id.is_not(None),
               Visit.id.in_(with_material))
        .where(Visit.campaign_id == campaign.id).order_by(Visit.household_id, Visit.visited_at, Visit.received_at))
    fresh: dict[int, _Progress] = {}
    for household_id, outcome, visited_at, has_photo, has_material in visits:
        progress = fresh.setdefault(household_id, _Progress())
        progress.visits += 1
        fold_visit(progress, outcome, visited_at, bool(has_photo), bool(has_material))
    for household_id in db.session.scalars(select(Pledge.household_id).where(Pledge.campaign_id == campaign.id)):
        fresh.setdefault(household_id, _Progress()).pledged = True
    fixed = 0
    stored = {p.household_id: p for p in db.session.scalars(
        select(HouseholdProgress).where(HouseholdProgress.campaign_id == campaign.id))}
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


@dataclass
class Drift:
    """What a rebuild found wrong and fixed."""

    campaign_id: int
    progress_rows_fixed: int = 0
    rollups_fixed: list[tuple[str, int, dict]] = field(default_factory=list)  # (kind, id, {counter: (had, now)})


def _reconcile(campaign: Campaign, drift: Drift, columns: tuple[str, ...]) -> None:
    by_building, by_area = expected_rollups(campaign)
    for model, key, expected, kind in ((LedgerBuilding, "building_id", by_building, "building"),
                                       (LedgerArea, "area_id", by_area, "area")):
        stored = {getattr(r, key): r for r in db.session.scalars(select(model).where(model.campaign_id == campaign.id))}
        for node_id in set(stored) | set(expected):
            want = expected.get(node_id, dict.fromkeys(COUNTERS, 0))
            row = stored.get(node_id)
            have = _counts(row)
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


def expected_days(campaign: Campaign) -> dict[tuple[int, dt.date], dict[str, int]]:
    """The daily counters replayed from the rows, events in the order the server received them."""
    events = []  # (received, day, household, kind, details)
    with_material = select(VisitMaterial.visit_id)
    for row in db.session.execute(
            select(Visit.id, Visit.household_id, Visit.outcome, Visit.visited_at, Visit.received_at,
                   Visit.photo_file_id.is_not(None), Visit.id.in_(with_material))
            .where(Visit.campaign_id == campaign.id)):
        events.append((row.received_at, 0, row.visited_at, row.household_id, row))
    visit_days = {}
    for received, _, visited_at, _, row in events:
        visit_days[row.id] = visited_at
    for pledge in db.session.execute(select(Pledge.household_id, Pledge.signed_at, Pledge.visit_id)
                                     .where(Pledge.campaign_id == campaign.id)):
        moment = visit_days.get(pledge.visit_id, pledge.signed_at)
        events.append((pledge.signed_at, 1, moment, pledge.household_id, None))
    events.sort(key=lambda e: (e[0], e[1]))
    touched = select(Visit.household_id).where(Visit.campaign_id == campaign.id).union(
        select(Pledge.household_id).where(Pledge.campaign_id == campaign.id))
    grids = dict(db.session.execute(select(Household.id, Area.path).join(Building, Household.building_id == Building.id)
                                    .join(Area, Building.grid_id == Area.id)
                                    .where(Household.id.in_(touched))).all()) if events else {}
    progress: dict[int, _Progress] = {}
    days: dict[tuple[int, dt.date], dict[str, int]] = {}
    for _, kind, moment, household_id, row in events:
        p = progress.setdefault(household_id, _Progress())
        before = {"contacted": int(p.contacted), "documented": int(p.evidenced and p.pledged)}
        counts = dict.fromkeys(DAY_COUNTERS, 0)
        if kind == 0:
            fold_visit(p, row.outcome, row.visited_at, bool(row[5]), bool(row[6]))
            counts["visits"], counts["contacts"] = 1, int(row.outcome is Outcome.CONTACTED)
        else:
            p.pledged = True
            counts["pledges"] = 1
        counts["new_contacted"] = int(p.contacted) - before["contacted"]
        counts["new_documented"] = int(p.evidenced and p.pledged) - before["documented"]
        for area_id in (int(part) for part in grids[household_id].strip("/").split("/")):
            totals = days.setdefault((area_id, local_day(moment)), dict.fromkeys(DAY_COUNTERS, 0))
            for name, n in counts.items():
                totals[name] += n
    return {key: counts for key, counts in days.items() if any(counts.values())}


def _reconcile_days(campaign: Campaign, drift: Drift) -> None:
    expected = expected_days(campaign)
    stored = {(r.area_id, r.day): r for r in db.session.scalars(select(LedgerDay).where(LedgerDay.campaign_id == campaign.id))}
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


def rebuild_ledger(campaign: Campaign) -> Drift:
    """Recompute the campaign's ledger from visits, pledges and households; fix and report any drift. Flushes."""
    drift = Drift(campaign.id, progress_rows_fixed=recompute_progress(campaign))
    _reconcile(campaign, drift, COUNTERS)
    _reconcile_days(campaign, drift)
    return drift


def refresh_population(campaign: Campaign) -> Drift:
    """Recount households and those in scope under the campaign (after an import or a vacancy). Flushes."""
    drift = Drift(campaign.id)
    _reconcile(campaign, drift, ("households", "in_scope"))
    return drift
