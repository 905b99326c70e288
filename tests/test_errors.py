"""Errors: one JSON shape under /api/, an HTML page elsewhere, and never a traceback."""
import pytest
from sqlalchemy.exc import OperationalError

from server.app import create_app
from tests.answers import assert_error_shape


def test_an_unknown_api_path_answers_404_in_the_error_shape(client):
    response = client.get("/api/mp/v1/nothing-here")
    assert response.status_code == 404 and response.is_json
    assert_error_shape(response.get_json(), 404)


@pytest.mark.own_app  # it adds a route
def test_a_wrong_method_under_api_answers_405_in_the_error_shape(app, client):
    app.add_url_rule("/api/probe", "probe", lambda: "ok", methods=["GET"])
    response = client.delete("/api/probe")
    assert response.status_code == 405
    assert_error_shape(response.get_json(), 405)


def test_an_unknown_page_shows_a_chinese_html_error_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "没有找到您要的内容" in response.get_data(as_text=True)


def test_a_client_asking_for_json_gets_json_outside_api_too(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert_error_shape(response.get_json(), 404)


@pytest.fixture
def production_app(tmp_path):
    app = create_app({"QIAOMEN_ENV": "production", "SECRET_KEY": "p" * 40,
                      "DATA_ENCRYPTION_KEY": "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.db"})

    def explode():
        raise RuntimeError("secret internals: /srv/qiaomen/server/services.py line 42")

    app.add_url_rule("/api/explode", "explode_api", explode)
    app.add_url_rule("/explode", "explode_page", explode)
    return app


@pytest.mark.parametrize("path", ["/api/explode", "/explode"])
def test_an_unexpected_failure_in_production_shows_no_traceback(production_app, path):
    response = production_app.test_client().get(path)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret internals" not in body and "RuntimeError" not in body
    assert "服务器出了点问题" in body
    if path.startswith("/api/"):
        assert_error_shape(response.get_json(), 500)


@pytest.mark.own_app  # it adds a route
def test_under_testing_an_unexpected_exception_reaches_the_test(app, client):
    def explode():
        raise RuntimeError("boom")

    app.add_url_rule("/explode-in-test", "explode_in_test", explode)
    with pytest.raises(RuntimeError, match="boom"):
        client.get("/explode-in-test")


def test_healthz_answers_ok_when_the_database_answers_and_says_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_answers_503_in_the_error_shape_when_the_database_is_down(client, db, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert_error_shape(response.get_json(), 503)
