"""One rule for every route: only the public pages answer without a login."""
import pytest

from server.app import create_app

PUBLIC = {"/", "/healthz", "/login", "/static/<path:filename>", "/assets/vendor/<path:name>", "/<name>.txt", "/q/<token>",
          "/api/mp/v1/openapi.json", "/api/mp/v1/docs", "/api/mp/v1/auth/login", "/api/mp/v1/ping", "/q/<token>/pledge",
          "/q/<token>/feedback", "/pledges/<code>", "/w/login", "/w/sw.js", "/w/offline"}


def _routes():
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for rule in app.url_map.iter_rules():
        if rule.rule in PUBLIC:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
        yield pytest.param(method, path, id=f"{method} {rule.rule}")


@pytest.mark.parametrize("method, path", list(_routes()))
def test_every_non_public_route_refuses_an_anonymous_caller(client, app, method, path):
    app.config["WTF_CSRF_ENABLED"] = False  # the login check must answer, not the CSRF check
    response = client.open(path, method=method)
    if path.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        login = "/w/login" if path.startswith("/w/") else "/login"
        assert response.headers["Location"].startswith(login)


def test_the_list_of_guarded_routes_is_not_empty():
    assert len(list(_routes())) >= 2
