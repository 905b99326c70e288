"""Bearer tokens for the mini-program API: signed JWTs (HS256 only) with an expiry.

A token for a bound staff member carries ``scope="full"``, the user's
``token_version`` (raised to revoke every token issued so far) and the sign-in it
was issued under (``sid``: logging out of that sign-in revokes the token). A WeChat
user not yet bound gets ``scope="bind"``: it can only call ``/auth/bind``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import jwt

from models import User, utcnow

ISSUER = "qiaomen"
ALGORITHM = "HS256"
FULL, BIND = "full", "bind"


class InvalidToken(Exception):
    """Missing, malformed, tampered, unsigned (``alg: none``), expired or revoked."""


@dataclass(frozen=True)
class TokenClaims:
    scope: str
    user_id: int | None
    openid: str | None
    version: int
    session_id: str | None = None


def _key(secret_key: str) -> bytes:
    # A key of its own, derived from SECRET_KEY, so that a token is never valid as a session cookie or vice versa.
    return hmac.new(secret_key.encode(), b"qiaomen-api-token", hashlib.sha256).digest()


def issue_token(secret_key: str, ttl: dt.timedelta, user: User | None = None, openid: str | None = None,
                now: dt.datetime | None = None, session_id: str | None = None) -> str:
    """A full token for ``user`` under the sign-in ``session_id``, or a bind-only token for an unbound ``openid``.

    Raises:
        ValueError: a full token asked for without the sign-in it belongs to.
    """
    now = now or utcnow()
    claims = {"iss": ISSUER, "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp()),
              "jti": secrets.token_urlsafe(8)}
    if user is not None:
        if not session_id:
            raise ValueError("a full token belongs to a sign-in: pass session_id")
        claims.update(sub=str(user.id), scope=FULL, ver=user.token_version, sid=session_id)
    else:
        claims.update(sub=f"openid:{openid}", scope=BIND, openid=openid, ver=0)
    return jwt.encode(claims, _key(secret_key), algorithm=ALGORITHM)


def read_token(secret_key: str, token: str) -> TokenClaims:
    """Verify a token and return its claims.

    Raises:
        InvalidToken: for any token that is not ours, intact and unexpired.
    """
    try:
        claims = jwt.decode(token, _key(secret_key), algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "sub", "iss"]})
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    scope = claims.get("scope")
    if scope == FULL and str(claims["sub"]).isdigit() and isinstance(claims.get("sid"), str):
        return TokenClaims(FULL, int(claims["sub"]), None, int(claims.get("ver", 0)), claims["sid"])
    if scope == BIND and claims.get("openid"):
        return TokenClaims(BIND, None, claims["openid"], 0)
    raise InvalidToken("unknown scope")
