"""A worker's round as a service: the campaign they canvass for, their grid, their phone's offline copy, how long a
sign-in lasts."""
import datetime as dt

from models import CampaignStatus, Role
from server.extensions import db as _db
from server.services.canvassing.worker_round import offline_copy, session_length, worker_round
from tests.factories import make_user


def test_a_worker_canvasses_for_the_active_campaign_over_their_grids_in_the_grid_they_ask_for_or_their_first(field):
    walk = worker_round(field.users["volunteer_a"])
    assert walk.campaign == field.campaign and walk.grids == [field.grid_a1, field.grid_a2]
    assert walk.grid(field.grid_a2.id) == field.grid_a2
    assert walk.grid(field.grid_b1.id) == field.grid_a1, "another community's grid is not theirs: the first instead"
    assert walk.grid(None) == field.grid_a1


def test_a_worker_with_no_grid_or_no_active_campaign_has_no_campaign_and_no_doors(field):
    nowhere = make_user(Role.GRID_WORKER, [field.grid_a1], name="无网格", username="nowhere")
    nowhere.areas = []
    assert worker_round(nowhere).grid(None) is None and worker_round(nowhere).campaign is None
    field.campaign.status = CampaignStatus.CLOSED
    _db.session.flush()
    copy = offline_copy(field.users["worker_a1"])
    assert copy.campaign is None and copy.doors == []


def test_the_offline_copy_holds_every_door_of_the_workers_grids_with_its_progress(field):
    copy = offline_copy(field.users["worker_a1"])
    assert copy.campaign == field.campaign
    assert [door.household for door in copy.doors] == field.households_a1
    assert copy.doors[0].progress["visited"] is False and copy.doors[0].progress["visits"] == 0


def test_a_sign_in_lasts_to_the_day_after_the_campaign_ends_and_at_least_a_day(field):
    now = dt.datetime.combine(field.campaign.end_date, dt.time()) - dt.timedelta(days=3)
    assert session_length(field.users["worker_a1"], now) == dt.timedelta(days=4)
    assert session_length(field.users["worker_a1"], now + dt.timedelta(days=10)) == dt.timedelta(days=1)
    field.campaign.status = CampaignStatus.CLOSED
    _db.session.flush()
    assert session_length(field.users["worker_a1"], now) == dt.timedelta(days=1)
