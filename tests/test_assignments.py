"""Assignment: a head gives the buildings of their grids to the workers of those grids, for a campaign."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import AuditEvent, Building
from server.extensions import db
from server.services.access.scope import OutOfScope
from server.services.canvassing.assignments import (AssignmentError, assign, assignments_of, reassign, unassign,
                                                    unassigned_buildings, walk_owner_of, worker_progress)
from server.services.canvassing.targets import TargetError, projected_rate, set_target, target_progress
from server.services.ledger.rebuild import rebuild_ledger
from tests.factories import make_campaign, make_visit


def buildings(field, grid):
    return list(db.session.scalars(select(Building).where(Building.grid_id == grid.id).order_by(Building.name)))


def test_a_head_assigns_buildings_of_their_grids_to_a_worker_of_those_grids(field):
    head, worker = field.users["head_a"], field.users["worker_a1"]
    one, two = buildings(field, field.grid_a1)
    assign(head, field.campaign, [one, two], worker)
    assert [a.building.name for a in assignments_of(worker, field.campaign)] == ["1栋", "2栋"]
    assert walk_owner_of(field.households_a1[0], field.campaign) == worker


def test_a_building_outside_the_heads_areas_is_not_found(field):
    (other,) = buildings(field, field.grid_b1)
    with pytest.raises(OutOfScope):
        assign(field.users["head_a"], field.campaign, [other], field.users["worker_a1"])


def test_a_worker_whose_grids_do_not_hold_the_building_is_refused_in_chinese(field):
    (three,) = buildings(field, field.grid_a2)
    with pytest.raises(AssignmentError, match="不在王网格的网格内"):
        assign(field.users["head_a"], field.campaign, [three], field.users["worker_a1"])


def test_only_field_workers_are_given_buildings_and_only_heads_and_admins_give_them(field):
    one, _ = buildings(field, field.grid_a1)
    with pytest.raises(AssignmentError, match="不是在岗的网格员或志愿者"):
        assign(field.users["head_a"], field.campaign, [one], field.users["head_a"])
    with pytest.raises(AssignmentError, match="只有社区负责人和管理员"):
        assign(field.users["worker_a1"], field.campaign, [one], field.users["worker_a1"])


def test_a_building_outside_the_campaigns_area_is_refused(field):
    campaign_b = make_campaign(field.community_b, name="滨江行动", status="draft")
    one, _ = buildings(field, field.grid_a1)
    with pytest.raises(AssignmentError, match="不在活动"):
        assign(field.users["head_a"], campaign_b, [one], field.users["worker_a1"])


def test_reassigning_replaces_the_assignee_and_the_audit_log_keeps_who_had_it(field):
    head = field.users["head_a"]
    one, _ = buildings(field, field.grid_a1)
    assign(head, field.campaign, [one], field.users["worker_a1"])
    reassign(head, field.campaign, one, field.users["volunteer_a"])
    assert assignments_of(field.users["worker_a1"], field.campaign) == []
    assert [a.building for a in assignments_of(field.users["volunteer_a"], field.campaign)] == [one]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "building",
                                                         AuditEvent.object_id == one.id).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["assign", "reassign"]
    assert f'"previous": {field.users["worker_a1"].id}' in events[1].detail and events[1].user_id == head.id


def test_a_units_assignment_wins_over_its_buildings(field):
    head = field.users["head_a"]
    one, _ = buildings(field, field.grid_a1)
    assign(head, field.campaign, [one], field.users["worker_a1"])
    assign(head, field.campaign, [one], field.users["volunteer_a"], unit="1")
    assert walk_owner_of(field.households_a1[0], field.campaign) == field.users["volunteer_a"]
    with pytest.raises(AssignmentError, match="没有9单元"):
        assign(head, field.campaign, [one], field.users["volunteer_a"], unit="9")


def test_unassigned_buildings_are_those_nobody_was_given_and_unassigning_puts_one_back(field):
    head = field.users["head_a"]
    one, two = buildings(field, field.grid_a1)
    assign(head, field.campaign, [one], field.users["worker_a1"])
    assert [b.name for b in unassigned_buildings(field.campaign, field.community_a)] == ["2栋", "3栋"]
    assert unassign(head, field.campaign, one) is True
    assert [b.name for b in unassigned_buildings(field.campaign, field.community_a)] == ["1栋", "2栋", "3栋"]
    assert unassign(head, field.campaign, one) is False


def test_a_workers_progress_counts_the_households_they_were_given_and_those_contacted(field):
    head, worker = field.users["head_a"], field.users["worker_a1"]
    one, two = buildings(field, field.grid_a1)
    assign(head, field.campaign, [two], worker)
    make_visit(field.campaign, field.households_a1[6], worker)
    make_visit(field.campaign, field.households_a1[0], worker)  # not theirs: does not count
    rebuild_ledger(field.campaign)
    progress = worker_progress(field.campaign, [worker, field.users["volunteer_a"]])
    assert (progress[worker.id].assigned, progress[worker.id].contacted, progress[worker.id].rate) == (4, 1, 0.25)
    assert progress[field.users["volunteer_a"].id].assigned == 0


@pytest.mark.parametrize("start, today, due, now, expected", [
    (dt.date(2026, 11, 1), dt.date(2026, 11, 10), dt.date(2026, 11, 30), 0.3, 0.9),   # 30 % in 10 days → 90 % in 30
    (dt.date(2026, 11, 1), dt.date(2026, 11, 10), dt.date(2026, 11, 30), 0.5, 1.0),   # capped at 100 %
    (dt.date(2026, 11, 1), dt.date(2026, 11, 30), dt.date(2026, 11, 30), 0.7, 0.7),   # on the due date: as it is
    (dt.date(2026, 11, 1), dt.date(2026, 11, 1), dt.date(2026, 11, 30), None, None),  # nothing in scope
])
def test_the_projection_extends_todays_pace_linearly_to_the_due_date(start, today, due, now, expected):
    assert projected_rate(start, today, due, now) == expected


def test_a_street_admin_sets_a_target_and_the_overview_reads_it_with_its_projection(field):
    admin = field.users["street_admin"]
    due = field.campaign.end_date
    set_target(admin, field.campaign, field.community_a, 95, due)
    for household in field.households_a1[:7]:
        make_visit(field.campaign, household, field.users["worker_a1"])
    rebuild_ledger(field.campaign)
    progress = target_progress(field.campaign, field.community_a, today=field.campaign.start_date + dt.timedelta(7))
    assert progress.target.percent == 95 and progress.rate == 0.5
    assert progress.projected == projected_rate(field.campaign.start_date, field.campaign.start_date + dt.timedelta(7),
                                                due, 0.5)
    with pytest.raises(TargetError, match="只有街道和区管理员"):
        set_target(field.users["head_a"], field.campaign, field.community_a, 95, due)
    with pytest.raises(TargetError, match="截止日应在活动期内"):
        set_target(admin, field.campaign, field.community_a, 95, due + dt.timedelta(days=1))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_ledger_holds_and_assigned_progress_equals_a_fresh_count_among_random_assignments_and_visits(field, seed):
    import random

    from models import HouseholdProgress, Occupancy
    from tests.test_ledger_invariant import assert_invariant

    rng = random.Random(seed)
    head = field.users["head_a"]
    workers = [field.users["worker_a1"], field.users["volunteer_a"]]
    everyone = field.households_a1 + field.households_a2
    for _ in range(40):
        building = rng.choice(buildings(field, rng.choice([field.grid_a1, field.grid_a2])))
        roll = rng.random()
        if roll < 0.4:
            worker = rng.choice([w for w in workers if building.grid_id in [g.id for g in w.areas]
                                 or any(a.id == building.community_id for a in w.areas)])
            assign(head, field.campaign, [building], worker, unit=rng.choice(["", "1"]))
        elif roll < 0.5:
            unassign(head, field.campaign, building, unit=rng.choice(["", "1"]))
        else:
            make_visit(field.campaign, rng.choice(everyone), rng.choice(workers),
                       outcome=rng.choice(["contacted", "not_home"]))
    rebuild_ledger(field.campaign)
    db.session.commit()
    assert_invariant(field.campaign)
    progress = worker_progress(field.campaign, workers)
    for worker in workers:
        mine = [h for h in everyone if walk_owner_of(h, field.campaign) == worker]
        contacted = [h for h in mine if h.occupancy is not Occupancy.VACANT and (
            (p := db.session.get(HouseholdProgress, (h.id, field.campaign.id))) is not None and p.contacted)]
        assert (progress[worker.id].assigned, progress[worker.id].contacted) == (len(mine), len(contacted))
