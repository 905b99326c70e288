"""Every route the app serves, split into the public ones and those that need a signed-in caller."""
from __future__ import annotations

import functools

import pytest

from server.app import create_app

PUBLIC = {"/", "/healthz", "/login", "/static/<path:filename>", "/assets/vendor/<path:name>", "/<name>.txt", "/q/<token>",
          "/api/mp/v1/openapi.json", "/api/mp/v1/docs", "/api/mp/v1/auth/login", "/api/mp/v1/ping", "/q/<token>/pledge",
          "/q/<token>/feedback", "/q/<token>/quiz", "/q/<token>/visit-answer", "/pledges/<code>", "/w/login", "/w/sw.js", "/w/offline"}


@functools.cache
def url_map():
    """The app's routes, read once per run from an app on no database."""
    return create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map


def guarded_routes() -> list:
    """One request per non-public route, with placeholder arguments, as pytest params named by the rule."""
    params = []
    for rule in url_map().iter_rules():
        if rule.rule in PUBLIC:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
        params.append(pytest.param(method, path, id=f"{method} {rule.rule}"))
    return params


def refused_as_a_stranger(response, path: str) -> bool:
    """What a guarded route answers someone not signed in: 401 under the API, the right login page elsewhere."""
    if path.startswith("/api/"):
        return response.status_code == 401
    login = "/w/login" if path.startswith("/w/") else "/login"
    return response.status_code == 302 and response.headers["Location"].startswith(login)


def id_routes() -> list:
    """Every route with an ``<int:…>`` id in its path, one pytest param per method."""
    return [pytest.param(method, rule.rule, id=f"{method} {rule.rule}") for rule in url_map().iter_rules()
            if "<int:" in rule.rule for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def page_routes() -> list[str]:
    """Every GET page of the staff, dashboard and worker pages whose path holds no id or only ``<int:…>`` ids."""
    return [rule.rule for rule in url_map().iter_rules()
            if "GET" in rule.methods and rule.rule.startswith(("/dashboard/", "/staff/", "/w/"))
            and rule.rule.count("<") == rule.rule.count("<int:")]
