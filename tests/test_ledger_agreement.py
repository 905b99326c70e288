"""One truth in the ledger: every page, list, answer and export lists doors in one order, on SQLite and PostgreSQL
alike."""
import re

import pytest

from models import Household, Occupancy, Role
from server.extensions import db as _db
from tests import ledger_pages
from tests.factories import make_building, make_campaign, make_tree, make_user
from tests.field import bearer, visit_payload
from tests.qr import pdf_text
from tests.staff import PASSWORD, sign_in

API = "/api/mp/v1"


def _record(client, headers, campaign, household, outcome="not_home", **extra):
    response = client.post(f"{API}/visits", json=visit_payload(campaign, household, outcome, **extra), headers=headers)
    assert response.status_code == 201, response.get_json()


# -- door order -------------------------------------------------------------------------------------------------

#: Rooms of one stairwell as a register gives them: (room, floor), shuffled; None: a room without a floor.
ROOMS = (("301", 3), ("车库", None), ("102", 1), ("B1", -1), ("储藏室", None), ("101", 1))
#: Their door order: rooms without a floor first, then by floor, then by room in natural order.
IN_DOOR_ORDER = ["车库", "储藏室", "B1", "101", "102", "301"]


@pytest.fixture
def stairwell(db):
    district, _, community, (grid,) = make_tree()
    campaign = make_campaign(district)
    building = make_building(grid, "1栋")
    households = []
    for room, floor in ROOMS:
        household = Household(building=building, unit="1", room=room, floor=floor, label=f"1栋1单元{room}",
                              occupancy=Occupancy.OCCUPIED)
        _db.session.add(household)
        households.append(household)
    worker = make_user(Role.GRID_WORKER, [grid], username="worker")
    make_user(Role.COMMUNITY_HEAD, [community], username="head", password=PASSWORD)
    _db.session.commit()
    return campaign, community, grid, worker, households


def _rooms(labels):
    return [label.removeprefix("1栋1单元") for label in labels]


def test_rooms_with_and_without_a_floor_come_in_one_door_order_everywhere(client, app, runner, stairwell, tmp_path):
    campaign, community, grid, worker, households = stairwell
    headers = bearer(app, worker)
    for household in households:  # every door a revisit due, so that the walk sheet lists them all
        _record(client, headers, campaign, household)

    walk = ledger_pages.api_walk(client, headers, campaign, grid, "all")  # three to a page, by cursor
    assert _rooms(i["label"] for i in walk) == IN_DOOR_ORDER
    assert _rooms(i["label"] for i in ledger_pages.api_walk(client, headers, campaign, grid, "revisit")) \
        == IN_DOOR_ORDER

    output = tmp_path / "labels.pdf"
    assert runner.invoke(args=["qr-labels", "--area", str(community.id), "-o", str(output)]).exit_code == 0
    text = pdf_text(output, 1)
    labels = sorted(re.findall(r"1栋1单元(?:车库|储藏室|B1|\d{3})", text), key=text.index)
    assert _rooms(labels) == IN_DOOR_ORDER

    sign_in(client, "head")
    assert _rooms(ledger_pages.walk_sheet(client, campaign, community)[1]) == IN_DOOR_ORDER
    assert _rooms(ledger_pages.revisits_page(client, campaign, community)[1]) == IN_DOOR_ORDER
    _, _, rows = ledger_pages.export(client, campaign, community)
    assert [r["户号"] for r in rows] == IN_DOOR_ORDER
