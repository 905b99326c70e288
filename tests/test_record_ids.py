"""An id no record can hold names nothing: every page answers 404, before asking the database, never 500."""
import re

import pytest

from server.extensions import db as _db
from server.services.access.accounts import issue_invite_code
from tests.resident import leave
from tests.routes import id_routes, page_routes
from tests.staff import invite_sign_in, sign_in

#: Past a 32-bit id (PostgreSQL's integer), past a 64-bit one (SQLite's), and far past both.
HUGE = [2**31, 2**63, 10**20]
QUERY_IDS = ("area", "campaign", "grid")


def test_every_route_with_an_id_is_walked():
    assert len(id_routes()) >= 15 and len(page_routes()) >= 15


@pytest.mark.parametrize("method, rule", id_routes())
def test_an_id_in_the_path_beyond_what_a_record_can_hold_is_a_404(client, app, field, method, rule):
    sign_in(client, "street_admin")
    app.config["WTF_CSRF_ENABLED"] = False  # the id must answer, not the CSRF check
    for huge in HUGE:
        assert client.open(re.sub(r"<int:\w+>", str(huge), rule), method=method).status_code == 404, huge


def _signed_in(client, app, field, path):
    """The street admin for the staff and dashboard pages, grid worker A1 for the worker pages."""
    if path.startswith("/w/"):
        code = issue_invite_code(field.users["worker_a1"])
        _db.session.commit()
        invite_sign_in(client, code)
    else:
        sign_in(client, "street_admin")


def _real_ids(field, rule) -> str:
    ids = {"household_id": field.households_a1[0].id, "building_id": field.households_a1[0].building_id,
           "area_id": field.community_a.id, "campaign_id": field.campaign.id}
    return re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), rule)


@pytest.mark.parametrize("rule", page_routes())
def test_an_id_in_the_query_beyond_what_a_record_can_hold_is_a_404_or_ignored(client, app, field, rule):
    leave(client, field.households_a1[0].token)
    _signed_in(client, app, field, rule)
    path = _real_ids(field, rule)
    plain = client.get(path).status_code
    for name in QUERY_IDS:
        for huge in HUGE:
            status = client.get(path, query_string={name: huge}).status_code
            assert status in (404, plain), (name, huge, status)


@pytest.mark.parametrize("who, path, name", [
    ("street_admin", "/dashboard/", "area"), ("street_admin", "/dashboard/", "campaign"),
    ("street_admin", "/dashboard/map.json", "area"), ("street_admin", "/dashboard/feedback", "grid"),
    ("street_admin", "/dashboard/team", "area"), ("street_admin", "/staff/areas/{area}/labels.pdf", "campaign"),
    ("worker_a1", "/w/", "grid")])
def test_a_page_that_reads_an_id_from_its_query_answers_404_for_one_no_record_can_hold(client, app, field, who, path,
                                                                                       name):
    path = path.format(area=field.community_a.id)
    _signed_in(client, app, field, "/w/" if who == "worker_a1" else path)
    assert client.get(path).status_code == 200
    for huge in HUGE:
        assert client.get(path, query_string={name: huge}).status_code == 404, huge
