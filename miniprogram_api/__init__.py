"""The JSON API the WeChat mini-program calls, under ``/api/mp/v1/``: thin views and marshmallow schemas.

Views parse with a schema, call one function of ``server.services``, commit and
dump. The OpenAPI spec is served at ``/api/mp/v1/openapi.json`` and browsable at
``/api/mp/v1/docs``.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Bind the API to the app: the spec, the bearer scheme and every resource's blueprint."""
    from server.extensions import api, csrf

    from . import auth, campaigns, checks, files, households, ledger, rounds, visits
    from .schemas import ErrorOut

    api.ERROR_SCHEMA = ErrorOut  # documents server/errors.py's shape, field by field
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for module in (auth, campaigns, households, files, visits, ledger, checks, rounds):
        csrf.exempt(module.bp)  # bearer tokens, no cookies: nothing to forge
        api.register_blueprint(module.bp)
