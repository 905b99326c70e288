"""One error shape for JSON, one error page for HTML; no traceback ever leaves the server."""
from __future__ import annotations

from http import HTTPStatus

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound, ServiceUnavailable

from server.services.access.scope import OutOfScope

try:
    from psycopg import OperationalError as PsycopgOperationalError
except ImportError:  # a SQLite-only installation
    PsycopgOperationalError = SQLAlchemyOperationalError

#: Messages meant for a person, by HTTP status.
STATUS_MESSAGES = {
    400: "请求有误，请检查后重试",
    401: "请先登录",
    403: "您没有权限进行此操作",
    404: "没有找到您要的内容",
    405: "不支持此请求方式",
    409: "数据与已有记录冲突",
    410: "该内容已失效",
    413: "上传的内容太大",
    415: "不支持的内容格式",
    422: "提交的内容有误，请检查后重试",
    429: "操作太频繁，请稍后再试",
    500: "服务器出了点问题，请稍后再试",
    502: "上游服务暂时不可用，请稍后再试",
    503: "服务暂时不可用，请稍后再试",
}


def error_payload(code: int, message: str | None = None, errors: dict | None = None) -> dict:
    """The body of every JSON error: ``{"code","status","message","errors"}``."""
    try:
        status = HTTPStatus(code).phrase
    except ValueError:
        status = "Error"
    return {
        "code": code,
        "status": status,
        "message": message or STATUS_MESSAGES.get(code, "请求未能完成"),
        "errors": errors or {},
    }


def wants_json() -> bool:
    """API paths always answer JSON; elsewhere, a client that asks for JSON gets it."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _chinese(text) -> bool:
    return isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _message_of(exc: HTTPException) -> str | None:
    """A view may raise ``NotFound("该二维码已失效")`` or ``abort(404, message="…")``: a message for the person.

    Only Chinese text is shown; the stock English descriptions of werkzeug and
    extensions never are.
    """
    if isinstance(exc, CSRFError):
        return "页面已过期，请刷新页面后重试"
    data = getattr(exc, "data", None) or {}
    for text in (data.get("message"), exc.description):
        if _chinese(text):
            return text
    return None


#: marshmallow's and webargs' messages, as a person reads them.
_FIELD_MESSAGES = {
    "Missing data for required field.": "必填",
    "Unknown field.": "不认识的字段",
    "Field may not be null.": "不能为空",
    "Not a valid integer.": "应为整数",
    "Not a valid number.": "应为数字",
    "Not a valid string.": "应为文字",
    "Not a valid boolean.": "应为是或否",
    "Not a valid UUID.": "不是有效的编号（UUID）",
    "Not a valid datetime.": "不是有效的时间（ISO 8601，带时区）",
    "Not a valid list.": "应为列表",
    "Invalid input type.": "格式不对",
    "Invalid value.": "取值不对",
    "Not a valid mapping type.": "应为对象",
    "Invalid JSON body.": "不是有效的 JSON",
}


def translate_messages(messages):
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translate_messages(m) for m in messages]
    if isinstance(messages, str) and not _chinese(messages):
        if messages.startswith("Must be one of:"):
            return "取值只能是：" + messages.removeprefix("Must be one of:").strip().rstrip(".")
        if messages.startswith(("Must be greater", "Must be less", "Length must be", "Shorter than", "Longer than")):
            return "超出允许的范围（" + messages.rstrip(".") + "）"
        return _FIELD_MESSAGES.get(messages, messages)
    return messages


#: Where webargs found what it names in its errors.
LOCATIONS = ("json", "query", "form", "files", "form_and_files", "view_args", "path")


def _errors_of(exc: HTTPException) -> dict:
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    if not isinstance(errors, dict):
        errors = {"_": errors}
    if len(errors) == 1 and next(iter(errors)) in LOCATIONS and isinstance(next(iter(errors.values())), dict):
        errors = next(iter(errors.values()))  # webargs nests by location; one location needs no nesting
    return translate_messages(errors)


def _headers_of(exc: HTTPException) -> list[tuple[str, str]]:
    data = getattr(exc, "data", None) or {}
    return list(exc.get_headers()) + list((data.get("headers") or {}).items())


def handle_http_exception(exc: HTTPException):
    code = exc.code or 500
    message = _message_of(exc)
    if wants_json():
        response = jsonify(error_payload(code, message, _errors_of(exc)))
    else:
        response = make_response(render_template(
            "error.html", code=code, message=message or STATUS_MESSAGES.get(code, "请求未能完成")))
    response.status_code = code
    for name, value in _headers_of(exc):
        if name.lower() in ("retry-after", "www-authenticate", "allow") or name.lower().startswith("x-ratelimit"):
            response.headers[name] = value
    return response


def handle_out_of_scope(exc: OutOfScope):
    """An object missing or outside the caller's areas, wherever a view or service found it: 404, in the error shape
    or as the error page, with the message for its kind. The caller must not learn that it exists."""
    return handle_http_exception(NotFound(exc.message))


#: What a person is told while the database cannot answer, and when a client may try again (seconds).
DATABASE_UNAVAILABLE = "数据库暂时不可用，请稍后再试"
RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: BaseException) -> bool:
    """The database refused or dropped the connection (restart, failover), or could not answer in time (a lock
    held past the busy timeout, a statement timeout): expected, brief, and worth trying again."""
    if isinstance(exc, (SQLAlchemyOperationalError, PsycopgOperationalError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def log_database_unavailable(exc: BaseException) -> None:
    """One line: the driver's error and where, never the statement, its parameters or the database URL."""
    cause = getattr(exc, "orig", None) or exc
    first_line = (str(cause).strip().splitlines() or [""])[0][:200]
    current_app.logger.warning("database unavailable in %s: %s: %s", request.endpoint, type(cause).__name__, first_line)


def handle_database_unavailable(exc: Exception):
    """503 with Retry-After, in the error shape or as the error page; any other database error is not ours."""
    if not database_unavailable(exc):
        raise exc  # an unexpected error: a 500, or under TESTING the test's own exception
    log_database_unavailable(exc)
    # The page must not ask the database who is signed in: during the outage it is drawn as for a visitor.
    current_app.login_manager._update_request_context_with_user()
    return handle_http_exception(ServiceUnavailable(DATABASE_UNAVAILABLE, retry_after=RETRY_AFTER_SECONDS))


def register_errorhandlers(app: Flask) -> None:
    """Every HTTP error, an unreachable database, and every unexpected exception outside testing, go through here.

    Only ``InternalServerError`` is registered for 5xx, not ``Exception``: Flask
    wraps an unexpected exception in it, except under ``TESTING``, where the
    exception propagates to the test that caused it. An unreachable database is
    an expected condition, not a bug: its handler is registered by class, so it
    answers 503 under ``TESTING`` too; so is an object out of the caller's scope (``OutOfScope``), answered 404.
    """
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OutOfScope, handle_out_of_scope)
    app.register_error_handler(InternalServerError, handle_http_exception)
    app.register_error_handler(DBAPIError, handle_database_unavailable)
    app.register_error_handler(PsycopgOperationalError, handle_database_unavailable)
