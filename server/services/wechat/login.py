"""Mini-program login: a ``wx.login`` code becomes an openid, and an invite code binds it to a staff account.

``session_key`` is never stored and never leaves this module: Qiaomen needs
only the openid. The development login (``WECHAT_DEV_LOGIN=1``, without an
AppID, never in production) turns a code into a stable ``dev_`` openid, so the
demo works with no WeChat; a missing AppID alone turns nothing on.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from models import User
from server.extensions import db
from server.services.access.accounts import InviteNotValid, redeem_invite
from server.services.wechat.client import WeChatClient, WeChatNotConfigured


class LoginUnavailable(RuntimeError):
    """No WeChat configured and no development login asked for: there is no way to log in."""


#: The invite code is unknown, used, expired, or its account deactivated.
InviteInvalid = InviteNotValid


class AlreadyBound(Exception):
    """This WeChat account is bound to another staff account."""


@dataclass(frozen=True)
class LoginResult:
    openid: str
    user: User | None  # None: not yet bound to a staff account


def dev_openid(code: str) -> str:
    """The stable development openid for a code: the same code, the same person."""
    return "dev_" + hashlib.sha256(code.encode()).hexdigest()[:28]


def dev_login_on(config) -> bool:
    """Whether anyone may log in with any code: only when asked for, without an AppID, and never in production."""
    return bool(config.get("WECHAT_DEV_LOGIN")) and not config.get("WECHAT_APPID") \
        and config.get("QIAOMEN_ENV") != "production"


def openid_for_code(code: str, config) -> str:
    """Exchange a ``wx.login`` code for an openid with ``jscode2session``, or the development login.

    Raises:
        LoginUnavailable: no WeChat settings, and no development login outside production.
        wechat.WeChatError, wechat.WeChatUnavailable: WeChat refused or failed.
    """
    try:
        client = WeChatClient.from_config(config)
    except WeChatNotConfigured:
        if not dev_login_on(config):
            raise LoginUnavailable("WECHAT_APPID is not set and the development login is off") from None
        return dev_openid(code)
    session = client.code_to_session(code)
    return session["openid"]  # session_key is dropped here, on purpose


def log_in(code: str, config) -> LoginResult:
    """Who this code belongs to: a bound staff member, or an openid still to bind.

    Raises:
        as ``openid_for_code``.
    """
    openid = openid_for_code(code, config)
    user = db.session.scalar(select(User).where(User.wechat_openid == openid, User.active.is_(True)))
    return LoginResult(openid, user)


def bind(openid: str, invite_code: str) -> User:
    """Bind ``openid`` to the staff account of a one-time invite code, and use the code up. Flushes.

    Raises:
        InviteInvalid: unknown, used or expired code, or a deactivated account; of several binds of one code at
            once, all but one.
        AlreadyBound: the openid belongs to another account (the caller rolls back: the code stays unused).
    """
    user = redeem_invite(invite_code)
    holder = db.session.scalar(select(User).where(User.wechat_openid == openid))
    if holder is not None and holder.id != user.id:
        raise AlreadyBound()
    user.wechat_openid = openid
    db.session.flush()
    return user
