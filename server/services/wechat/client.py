"""WeChat's server API, called with ``requests``, with timeouts and a configurable base URL.

The access token is cached in the database, so that every gunicorn worker (and
every machine) shares one token until shortly before it expires. When WeChat
says a token is invalid or expired (40001, 40014, 42001), it is refreshed and
the call is retried once, never in a loop.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

import requests
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from models import WeChatAccessToken, utcnow
from server.extensions import db

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
#: Refresh this long before WeChat's expiry, so that no call goes out with a dying token.
REFRESH_MARGIN = dt.timedelta(minutes=5)
_TOKEN = WeChatAccessToken.__table__


class WeChatNotConfigured(RuntimeError):
    """``WECHAT_APPID`` and ``WECHAT_SECRET`` are not set."""


class WeChatError(Exception):
    """WeChat answered with an error code."""

    def __init__(self, errcode: int, errmsg: str = ""):
        super().__init__(f"WeChat errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatUnavailable(Exception):
    """WeChat could not be reached in time, or answered something that is not its protocol."""


@dataclass
class WeChatClient:
    appid: str
    secret: str
    base_url: str = "https://api.weixin.qq.com"
    timeout: float = 5.0
    session: requests.Session = field(default_factory=requests.Session, repr=False)

    @classmethod
    def from_config(cls, config) -> "WeChatClient":
        """The client for the app's settings.

        Raises:
            WeChatNotConfigured: no AppID or secret.
        """
        if not config.get("WECHAT_APPID") or not config.get("WECHAT_SECRET"):
            raise WeChatNotConfigured("WECHAT_APPID and WECHAT_SECRET are not set")
        return cls(config["WECHAT_APPID"], config["WECHAT_SECRET"], config["WECHAT_API_BASE"].rstrip("/"),
                   config["WECHAT_TIMEOUT"])

    # -- transport -------------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None,
              image: bool = False):
        """One HTTP call. Returns the JSON body, or ``(bytes, content_type)`` for an image answer.

        Raises:
            WeChatError: a JSON answer with a non-zero ``errcode``.
            WeChatUnavailable: timeout, connection failure, 5xx, or an answer that is neither JSON nor an image.
        """
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8"} if data is not None else {}
        try:
            response = self.session.request(method, self.base_url + path, params=params, data=data,
                                            headers=headers, timeout=self.timeout)
        except requests.Timeout as exc:
            log.warning("WeChat %s timed out after %ss", path, self.timeout)
            raise WeChatUnavailable(f"{path} timed out") from exc
        except requests.RequestException as exc:
            # Only the kind of failure: the exception's text holds the URL, whose query carries secrets and tokens.
            log.warning("WeChat %s unreachable: %s", path, type(exc).__name__)
            raise WeChatUnavailable(f"{path} unreachable") from exc
        content_type = response.headers.get("Content-Type", "")
        if image and response.status_code == 200 and content_type.startswith("image/"):
            return response.content, content_type.split(";")[0]
        if response.status_code >= 500:
            log.warning("WeChat %s answered HTTP %s", path, response.status_code)
            raise WeChatUnavailable(f"{path} answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            log.warning("WeChat %s answered %s, not JSON", path, content_type or "nothing")
            raise WeChatUnavailable(f"{path} answered something that is not JSON") from exc
        errcode = answer.get("errcode", 0) if isinstance(answer, dict) else None
        if errcode is None:
            raise WeChatUnavailable(f"{path} answered JSON of an unknown shape")
        if errcode:
            log.info("WeChat %s errcode %s: %s", path, errcode, answer.get("errmsg"))
            raise WeChatError(errcode, answer.get("errmsg", ""))
        return answer

    def _with_token(self, method: str, path: str, body: dict, image: bool = False):
        """Call with the shared access token; on a token error, refresh it and retry exactly once."""
        token = self.access_token()
        try:
            return self._call(method, path, params={"access_token": token}, body=body, image=image)
        except WeChatError as error:
            if error.errcode not in TOKEN_ERRORS:
                raise
            log.info("WeChat token refused (%s); refreshing once", error.errcode)
            forget_access_token(self.appid, token)
            token = self.access_token()
            return self._call(method, path, params={"access_token": token}, body=body, image=image)

    # -- access token ----------------------------------------------------------------------------------------

    def access_token(self, now: dt.datetime | None = None) -> str:
        """The shared access token: from the database while fresh, else from ``cgi-bin/stable_token``."""
        now = now or utcnow()
        cached = cached_access_token(self.appid, now)
        if cached:
            return cached
        answer = self._call("POST", "/cgi-bin/stable_token", body={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret, "force_refresh": False})
        token, expires_in = answer.get("access_token"), answer.get("expires_in")
        if not token or not isinstance(expires_in, int):
            raise WeChatUnavailable("stable_token answered without a token")
        store_access_token(self.appid, token, now + dt.timedelta(seconds=expires_in))
        return token

    # -- the calls -------------------------------------------------------------------------------------------

    def code_to_session(self, js_code: str) -> dict:
        """``sns/jscode2session``: the openid (and session_key) behind a ``wx.login`` code."""
        return self._call("GET", "/sns/jscode2session", params={
            "appid": self.appid, "secret": self.secret, "js_code": js_code, "grant_type": "authorization_code"})

    def unlimited_wxacode(self, scene: str, page: str, env_version: str = "release",
                          width: int = 430) -> tuple[bytes, str]:
        """``wxa/getwxacodeunlimit``: a 小程序码 image for ``scene``; WeChat answering JSON is an error."""
        return self._with_token("POST", "/wxa/getwxacodeunlimit", {
            "scene": scene, "page": page, "check_path": False, "env_version": env_version, "width": width},
            image=True)

    def user_phone_number(self, code: str) -> dict:
        """``wxa/business/getuserphonenumber``: the phone number a user agreed to share."""
        return self._with_token("POST", "/wxa/business/getuserphonenumber", {"code": code})["phone_info"]

    def msg_sec_check(self, content: str, openid: str, scene: int = 2) -> dict:
        """``wxa/msg_sec_check`` (v2): ``{"suggest": "pass"|"review"|"risky", "label": …}``."""
        answer = self._with_token("POST", "/wxa/msg_sec_check", {
            "content": content, "version": 2, "scene": scene, "openid": openid})
        return answer["result"]


# -- the shared token cache, outside the caller's transaction --------------------------------------------------

def cached_access_token(appid: str, now: dt.datetime) -> str | None:
    """The stored token for ``appid`` if it stays valid beyond the refresh margin."""
    with db.engine.connect().execution_options(sqlite_deferred=True) as conn:
        row = conn.execute(select(_TOKEN.c.access_token, _TOKEN.c.expires_at)
                           .where(_TOKEN.c.appid == appid)).first()
    if row is None:
        return None
    return row.access_token if row.expires_at - REFRESH_MARGIN > now else None


def store_access_token(appid: str, token: str, expires_at: dt.datetime) -> None:
    """Save the token for every worker, committed at once, whatever the caller's transaction does.

    Caching is best effort: when the database is busy (on SQLite, the calling
    request itself may hold the write lock), the token is used uncached and
    fetched again next time, which ``stable_token`` answers with the same token.
    """
    values = {"access_token": token, "expires_at": expires_at, "updated_at": utcnow()}
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # set on the driver's connection, outside any transaction
            conn.connection.driver_connection.execute("PRAGMA busy_timeout=250")
        try:
            with conn.begin():
                if conn.execute(update(_TOKEN).where(_TOKEN.c.appid == appid).values(**values)).rowcount:
                    return
                try:
                    with conn.begin_nested():
                        conn.execute(insert(_TOKEN).values(appid=appid, **values))
                except IntegrityError:  # another worker stored one meanwhile: ours is as good
                    conn.execute(update(_TOKEN).where(_TOKEN.c.appid == appid).values(**values))
        except OperationalError:
            log.info("WeChat access token not cached: database busy")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA busy_timeout=30000")


def forget_access_token(appid: str, token: str) -> None:
    """Drop the stored token if it is still ``token`` (another worker may have refreshed it already)."""
    with db.engine.begin() as conn:
        conn.execute(delete(_TOKEN).where(_TOKEN.c.appid == appid, _TOKEN.c.access_token == token))
