"""The landing page and the health check."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template
from sqlalchemy.exc import SQLAlchemyError

from server.database.health import ping
from server.errors import error_payload, log_database_unavailable
from server.extensions import db

bp = Blueprint("pages", __name__)


@bp.get("/")
def landing():
    return render_template("landing.html")


@bp.get("/healthz")
def healthz():
    """200 when the database answers; 503 in the error shape when it does not.

    It says nothing else to anonymous callers: not the run mode, not the kind of database."""
    try:
        ping()
    except SQLAlchemyError as exc:
        log_database_unavailable(exc)
        db.session.rollback()
        body = error_payload(503, "数据库无法连接", {"database": ["unreachable"]})
        return jsonify(body), 503
    return jsonify({"status": "ok"})


@bp.get("/<name>.txt")
def wechat_domain_verification(name: str):
    """The file WeChat asks for before "扫普通链接二维码打开小程序" may use this domain."""
    config = current_app.config
    if not config["WECHAT_VERIFY_FILE"] or f"{name}.txt" != config["WECHAT_VERIFY_FILE"]:
        abort(404)
    return current_app.response_class(config["WECHAT_VERIFY_CONTENT"], mimetype="text/plain")
