"""Bearer-token authentication for the mini-program API, and the roles each route admits."""
from __future__ import annotations

import functools

from flask import current_app, g, request
from flask_smorest import abort

from models import Role, User
from server.services.access.sessions import api_token, signed_in_user
from server.services.access.tokens import BIND, FULL, InvalidToken, TokenClaims, read_token

#: Everyone with a bound staff account.
STAFF = frozenset(Role)
#: Those who knock on doors and record visits.
VISITORS = frozenset(role for role in Role if role.records_visits)
#: Heads and admins: those who read the dashboard.
DASHBOARD_READERS = frozenset(role for role in Role if role.may_read_dashboard)

BEARER = [{"bearerAuth": []}]


def token_for(user: User | None = None, openid: str | None = None) -> tuple[str, int]:
    """A new token and its lifetime in seconds: full for a user (a new sign-in; flushes), bind-only for an openid."""
    return api_token(current_app.config, user=user, openid=openid)


def _claims() -> TokenClaims:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        abort(401, message="请先登录", headers={"WWW-Authenticate": "Bearer"})
    try:
        return read_token(current_app.config["SECRET_KEY"], token.strip())
    except InvalidToken:
        abort(401, message="登录已失效，请重新登录", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def current_user() -> User:
    """The staff member the request's token belongs to (set by ``requires``)."""
    return g.api_user


def current_claims() -> TokenClaims:
    """The verified claims of the request's token (set by ``requires``)."""
    return g.api_claims


def current_openid() -> str:
    """The WeChat openid of a bind-only token (set by ``requires_bind_token``)."""
    return g.api_openid


def requires(roles=STAFF):
    """Admit a full token of an active staff member with one of ``roles``: 401 without, 403 for other roles."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            claims = _claims()
            if claims.scope != FULL:
                abort(403, message="请先输入邀请码绑定账号")
            user = signed_in_user(claims.user_id, claims.version, claims.session_id, with_areas=True)
            if user is None:
                abort(401, message="登录已失效，请重新登录", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            if user.role not in roles:
                abort(403, message="您的角色不能进行此操作")
            g.api_user, g.api_claims = user, claims
            return view(*args, **kwargs)
        return wrapper
    return decorate


def requires_bind_token(view):
    """Admit a bind-only token, or a full one (whose user binds another account: refused in the view)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        claims = _claims()
        if claims.scope != BIND:
            abort(409, message="此微信已绑定账号，无需再次绑定")
        g.api_openid = claims.openid
        return view(*args, **kwargs)
    return wrapper
