"""The door card is read with a fixed handful of statements, however many visits the door has had (no N+1)."""
from contextlib import contextmanager

from sqlalchemy import event

from server.extensions import db as _db
from tests.field import bearer, visit_payload

API = "/api/mp/v1"


@contextmanager
def counted(app):
    statements = []
    with app.app_context():
        engine = _db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def scan_statements(client, app, headers, household) -> int:
    url = f"{API}/households/by-qr/{household.token}"
    with counted(app) as statements:
        assert client.get(url, headers=headers).status_code == 200
    return len(statements)


def test_scanning_a_door_with_five_visits_costs_no_more_statements_than_with_one(client, app, field):
    headers = bearer(app, field.users["worker_a1"])
    household = field.households_a1[0]
    materials = [{"code": "notice", "quantity": 1}, {"code": "brochure", "quantity": 1}]
    assert client.post(f"{API}/visits", headers=headers, json=visit_payload(
        field.campaign, household, outcome="not_home", materials=materials)).status_code == 201
    after_one = scan_statements(client, app, headers, household)

    for _ in range(4):
        assert client.post(f"{API}/visits", headers=headers, json=visit_payload(
            field.campaign, household, outcome="not_home", materials=materials)).status_code == 201
    after_five = scan_statements(client, app, headers, household)

    assert after_five == after_one <= 11  # BEGIN, the user, the household with its places, campaigns, progress,
    #                                       visits, their pledges, their materials, open feedback; and on a
    #                                       connection of its own, BEGIN and the audit event of the read
