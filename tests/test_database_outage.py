"""The database out of reach (a restart, a failover): 503 with Retry-After in the error shape, never a 500."""
import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError

from tests.answers import assert_error_shape
from tests.field import bearer, visit_payload
from tests.staff import sign_in


@pytest.fixture
def outage(db):
    """From now on every statement fails as the driver fails when the server is gone; lifted afterwards."""
    db.session.commit()

    def refuse(conn, cursor, statement, parameters, context, executemany):
        driver_error = db.engine.dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")
        raise OperationalError(statement, parameters, driver_error)  # as SQLAlchemy wraps the driver's error

    event.listen(db.engine, "before_cursor_execute", refuse)
    yield
    event.remove(db.engine, "before_cursor_execute", refuse)


def test_an_api_request_while_the_database_is_unreachable_answers_503_in_the_error_shape(app, client, field, request):
    payload, headers = visit_payload(field.campaign, field.households_a1[0]), bearer(app, field.users["worker_a1"])
    request.getfixturevalue("outage")
    response = client.post("/api/mp/v1/visits", json=payload, headers=headers)
    assert response.status_code == 503
    assert_error_shape(response.get_json(), 503)
    assert response.get_json()["message"] == "数据库暂时不可用，请稍后再试"
    assert response.headers["Retry-After"] == "5"


def test_a_signed_in_page_while_the_database_is_unreachable_shows_the_503_page(client, field, request):
    assert sign_in(client, "head_a").status_code == 302
    request.getfixturevalue("outage")
    response = client.get("/dashboard/")
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "数据库暂时不可用" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "5"


def test_healthz_answers_503_while_the_database_is_unreachable(client, outage):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert_error_shape(response.get_json(), 503)


def test_the_outage_is_logged_in_one_line_without_statement_or_database_url(app, client, field, caplog, request):
    door, headers = field.households_a1[0].token, bearer(app, field.users["worker_a1"])
    request.getfixturevalue("outage")
    with caplog.at_level("WARNING"):
        client.get(f"/api/mp/v1/households/by-qr/{door}", headers=headers)
    [record] = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert "OperationalError: server closed the connection unexpectedly" in record.getMessage()
    assert "SELECT" not in caplog.text and app.config["SQLALCHEMY_DATABASE_URI"] not in caplog.text
    assert door not in caplog.text


@pytest.mark.own_app  # it adds a route
def test_any_other_database_error_still_reaches_the_test_as_a_bug(app, client):
    def collide():
        raise IntegrityError("INSERT INTO visit ...", {}, Exception("duplicate key"))

    app.add_url_rule("/api/collide", "collide", collide)
    with pytest.raises(IntegrityError):
        client.get("/api/collide")
