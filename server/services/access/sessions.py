"""Sign-ins kept on the server: starting one, finding whose it is on each request, and ending it.

A session cookie, its remember cookie and every API token name their sign-in (``LoginSession``). Logging out
revokes that sign-in, so a copy of the cookie made before, the remember cookie and the tokens minted under it
all stop working at once. Signing a person out everywhere also raises their token version, which ends every
sign-in they have, tokens from before this table included.
"""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from models import LoginSession, SessionChannel, User, utcnow
from server.extensions import db
from server.services.access.tokens import issue_token


def start_session(user: User, channel: SessionChannel, now: dt.datetime | None = None) -> LoginSession:
    """A new sign-in for ``user`` through ``channel``; ``user.login_session_id`` names it from now on. Flushes."""
    login = LoginSession(id=secrets.token_urlsafe(24), user_id=user.id, channel=SessionChannel(channel),
                         created_at=now or utcnow())
    db.session.add(login)
    db.session.flush()
    user.login_session_id = login.id
    return login


def end_session(session_id: str | None, now: dt.datetime | None = None) -> bool:
    """Revoke one sign-in (logout): its cookies and the tokens minted under it stop working. Flushes.

    Returns whether a live sign-in was ended (False for an unknown or already ended one).
    """
    if not session_id:
        return False
    ended = db.session.execute(update(LoginSession)
                               .where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
                               .values(revoked_at=now or utcnow()).execution_options(synchronize_session=False))
    return ended.rowcount == 1


def sign_out_everywhere(user: User, now: dt.datetime | None = None) -> None:
    """End every sign-in of ``user``: every browser session, remember cookie and API token. Flushes."""
    user.token_version += 1
    db.session.execute(update(LoginSession)
                       .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
                       .values(revoked_at=now or utcnow()).execution_options(synchronize_session=False))
    db.session.flush()


def signed_in_user(user_id: int, token_version: int, session_id: str, with_areas: bool = False) -> User | None:
    """The active user of a live sign-in, in one query; None when any of the three no longer holds.

    ``with_areas`` loads the user's areas in the same query (the API's scope needs them on every request).
    """
    query = (select(User).join(LoginSession, LoginSession.user_id == User.id)
             .where(User.id == user_id, User.active.is_(True), User.token_version == token_version,
                    LoginSession.id == session_id, LoginSession.revoked_at.is_(None)))
    if with_areas:
        query = query.options(joinedload(User.areas))
    user = db.session.scalars(query).unique().first()
    if user is not None:
        user.login_session_id = session_id
    return user


def api_token(config, user: User | None = None, openid: str | None = None,
              session_id: str | None = None) -> tuple[str, int]:
    """A bearer token and its lifetime in seconds: for ``user`` under ``session_id`` (a new mini-program sign-in
    when None; flushes), or bind-only for an unbound ``openid``."""
    ttl = dt.timedelta(hours=config["API_TOKEN_TTL_HOURS"])
    if user is not None and session_id is None:
        session_id = start_session(user, SessionChannel.MINIPROGRAM).id
    token = issue_token(config["SECRET_KEY"], ttl, user=user, openid=openid, session_id=session_id)
    return token, int(ttl.total_seconds())
