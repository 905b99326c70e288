"""One truth in the ledger: every page, list, answer and export tells a head the same figures, and lists doors in
one order, on SQLite and PostgreSQL alike."""
import re

import pytest

from models import Household, Occupancy, Role
from server.extensions import db as _db
from server.services.ledger.rebuild import rebuild_ledger
from tests import ledger_pages
from tests.conftest import csrf_token_of
from tests.factories import make_building, make_campaign, make_tree, make_user
from tests.field import bearer, upload, visit_payload
from tests.qr import pdf_text
from tests.registers import import_file, write_csv
from tests.staff import PASSWORD, sign_in

API = "/api/mp/v1"


def _record(client, headers, campaign, household, outcome="not_home", **extra):
    response = client.post(f"{API}/visits", json=visit_payload(campaign, household, outcome, **extra), headers=headers)
    assert response.status_code == 201, response.get_json()


def _head_posts(client, household, action: str):
    page = client.get(f"/dashboard/households/{household.id}").get_data(as_text=True)
    response = client.post(f"/dashboard/households/{household.id}/{action}", data={"csrf_token": csrf_token_of(page)})
    assert response.status_code == 302


def test_a_not_home_household_confirmed_vacant_is_due_no_revisit_on_any_page_and_is_due_again_when_reverted(
        client, app, field):
    worker = bearer(app, field.users["worker_a1"])
    photo, signature = upload(client, worker, "photo"), upload(client, worker, "signature")
    _record(client, worker, field.campaign, field.households_a1[0], "contacted", photo_file_id=photo,
            materials=[{"code": "notice", "quantity": 1}],
            pledge={"signer_name": "张三", "relation": "householder", "signature_file_id": signature})
    empty = field.households_a1[1]
    _record(client, worker, field.campaign, empty)
    campaign, community, head = field.campaign, field.community_a, bearer(app, field.users["head_a"])
    before = ledger_pages.stored(campaign, community)
    assert (before["revisit_due"], before["visited"]) == (1, 2)
    sign_in(client, "head_a")

    _head_posts(client, empty, "vacant")

    # The places a head compares first: none may still count the empty flat as a revisit due.
    overview = ledger_pages.overview(client, campaign, community)
    page, due, unvisited = ledger_pages.revisits_page(client, campaign, community)
    rows, summary, _ = ledger_pages.export(client, campaign, community)
    revisit_api = ledger_pages.api_walk(client, head, campaign, community, "revisit")
    assert overview["revisit_due"] == page["revisit_due"] == ledger_pages.walk_sheet(client, campaign, community)[0] \
        == len(revisit_api) == summary["revisit_due"] == rows["revisit_due"] == 0
    assert overview["to_visit"] == page["to_visit"] == len(unvisited) == summary["to_visit"] == rows["to_visit"] \
        == before["to_visit"], "not yet visited stays where it was: the flat had been visited"
    assert empty.label not in due + unvisited
    card = next(i for i in ledger_pages.api_walk(client, head, campaign, community, "all") if i["id"] == empty.id)
    assert (card["occupancy"], card["progress"]["revisit_due"], card["progress"]["visited"]) == ("vacant", False, True)
    # And everything else: the API's answers, the export's rows, the building charts, a recount.
    after = ledger_pages.assert_every_place_agrees(client, head, campaign, community)
    assert after == {**before, "in_scope": before["in_scope"] - 1, "visited": 1, "revisit_due": 0}
    ledger_pages.assert_every_place_agrees(client, head, campaign, field.grid_a1)
    drift = rebuild_ledger(campaign)
    assert (drift.progress_rows_fixed, drift.rollups_fixed) == (0, [])

    _head_posts(client, empty, "vacant/revert")
    _db.session.expire_all()
    assert empty.occupancy is Occupancy.UNKNOWN
    assert ledger_pages.assert_every_place_agrees(client, head, campaign, community) == before
    assert ledger_pages.revisits_page(client, campaign, community)[1] == [empty.label]
    drift = rebuild_ledger(campaign)
    assert (drift.progress_rows_fixed, drift.rollups_fixed) == (0, [])


def test_a_register_import_marking_a_visited_household_vacant_moves_every_count_and_back(client, app, runner, field,
                                                                                         tmp_path):
    worker = bearer(app, field.users["worker_a1"])
    flat = field.households_a1[1]  # 1栋1单元102
    _record(client, worker, field.campaign, flat)
    campaign, community, head = field.campaign, field.community_a, bearer(app, field.users["head_a"])
    before = ledger_pages.stored(campaign, community)
    sign_in(client, "head_a")

    def register_says(state: str, name: str):
        path = write_csv(tmp_path / name, [["城西街道", "金桥社区", "第一网格", "1栋", "1", "", "102", "", "", state]])
        result = import_file(runner, path)
        assert result.exit_code == 0 and "更新 1 户" in result.output, result.output

    register_says("空置", "vacant.csv")
    after = ledger_pages.assert_every_place_agrees(client, head, campaign, community)
    assert after == {**before, "in_scope": before["in_scope"] - 1, "visited": 0, "revisit_due": 0}
    assert rebuild_ledger(campaign).rollups_fixed == []

    register_says("入住", "occupied.csv")
    assert ledger_pages.assert_every_place_agrees(client, head, campaign, community) == before
    assert rebuild_ledger(campaign).rollups_fixed == []


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
