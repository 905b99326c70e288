"""The walk list puts the reader's assigned doors first, says whose the others are, and pages stably."""
from sqlalchemy import select

from models import Building
from server.extensions import db
from server.services.canvassing.assignments import assign
from tests.field import bearer, visit_payload

API = "/api/mp/v1"


def _walk(client, headers, field, limit):
    items, cursor = [], None
    while True:
        url = f"{API}/households?grid_id={field.grid_a1.id}&campaign_id={field.campaign.id}&limit={limit}&state=all"
        page = client.get(url + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        assert page.status_code == 200, page.get_json()
        items += page.get_json()["items"]
        cursor = page.get_json()["next_cursor"]
        if not cursor:
            return items


def test_a_workers_own_doors_come_first_and_the_others_say_whose_they_are_on_every_page_size(client, app, field):
    one, two = db.session.scalars(select(Building).where(Building.grid_id == field.grid_a1.id)
                                  .order_by(Building.name)).all()
    head = field.users["head_a"]
    assign(head, field.campaign, [two], field.users["worker_a1"])
    assign(head, field.campaign, [one], field.users["volunteer_a"])
    db.session.commit()
    headers = bearer(app, field.users["worker_a1"])
    expected = [(f"2栋1单元{r}", "我的", True) for r in ("101", "102", "201", "202")] + \
        [(f"1栋1单元{r}", "钱**", False) for r in ("101", "102", "201", "202", "301", "302")]
    for limit in (1, 3, 4, 50):
        assert [(i["label"], i["whose"], i["mine"]) for i in _walk(client, headers, field, limit)] == expected


def test_a_worker_still_records_a_door_assigned_to_someone_else(client, app, field):
    one, _ = db.session.scalars(select(Building).where(Building.grid_id == field.grid_a1.id)
                                .order_by(Building.name)).all()
    assign(field.users["head_a"], field.campaign, [one], field.users["volunteer_a"])
    db.session.commit()
    headers = bearer(app, field.users["worker_a1"])
    response = client.post(f"{API}/visits", headers=headers, json=visit_payload(field.campaign, field.households_a1[0]))
    assert response.status_code == 201


def test_an_unassigned_door_says_so(client, app, field):
    headers = bearer(app, field.users["worker_a1"])
    assert {(i["whose"], i["mine"]) for i in _walk(client, headers, field, 50)} == {("未分配", False)}
