"""The audit log says who read which resident's data, when and from where; the database keeps it append-only."""
import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from models import AuditEvent
from models.audit import APPEND_ONLY_MESSAGE
from server.extensions import db as _db
from server.services.access.audit import record_read
from tests.field import bearer
from tests.resident import sign
from tests.staff import sign_in

API = "/api/mp/v1"


def _events(action: str) -> list[AuditEvent]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'nothing'", "DELETE FROM audit_event"])
def test_the_database_refuses_to_change_or_delete_an_audit_event(app, field, statement):
    record_read(field.users["head_a"], "view_household", "household", field.households_a1[0].id, ip="10.0.0.8")
    with pytest.raises(DBAPIError, match=APPEND_ONLY_MESSAGE):
        with _db.engine.begin() as connection:
            connection.execute(text(statement))
    assert [(e.action, e.ip) for e in _events("view_household")] == [("view_household", "10.0.0.8")]


def test_postgresql_refuses_to_truncate_the_audit_log(app, database, field):
    if database.backend != "postgresql":
        assert database.backend == "sqlite"  # SQLite has no TRUNCATE; DELETE is refused above
        return
    with pytest.raises(DBAPIError, match=APPEND_ONLY_MESSAGE):
        with _db.engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_event"))


def test_a_worker_scanning_a_door_is_logged_with_the_household_and_address(client, app, field):
    household = field.households_a1[2]
    response = client.get(f"{API}/households/by-qr/{household.token}", headers=bearer(app, field.users["worker_a1"]),
                          environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 200
    [event] = _events("view_household")
    assert (event.user_id, event.object_type, event.object_id, event.ip) == \
        (field.users["worker_a1"].id, "household", household.id, "10.1.2.3")
    assert '"scan"' in event.detail and event.at is not None


def test_a_staff_page_of_a_household_is_logged(client, field):
    sign_in(client, "head_a")
    household = field.households_a1[1]
    assert client.get(f"/staff/households/{household.id}").status_code == 200
    assert [(e.user_id, e.object_id) for e in _events("view_household")] == [(field.users["head_a"].id, household.id)]


def test_viewing_a_pledge_is_logged_even_for_an_anonymous_reader(client, field):
    household = field.households_a1[3]
    receipt = sign(client, household.token)
    code = re.search(rb"/pledges/([A-Za-z0-9]+)", receipt.data).group(1).decode()
    assert client.get(f"/pledges/{code}").status_code == 200
    [event] = _events("view_pledge")
    assert event.user_id is None and event.object_type == "pledge" and event.ip == "127.0.0.1"
    assert f'"household_id": {household.id}' in event.detail


def test_a_page_that_fails_after_reading_still_leaves_its_read_logged(app, field):
    with app.test_request_context("/"):
        record_read(None, "view_pledge", "pledge", 1, ip="10.9.9.9")
        _db.session.rollback()
    assert [e.ip for e in _events("view_pledge")] == ["10.9.9.9"]
