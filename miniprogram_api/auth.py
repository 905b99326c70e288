"""Login with WeChat, binding an invite code, and who am I."""
from __future__ import annotations

from flask import current_app
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from models import Role
from server.extensions import db, limiter
from server.services.access.sessions import end_session
from server.services.wechat.client import WeChatError, WeChatUnavailable
from server.services.wechat.login import AlreadyBound, InviteInvalid, LoginUnavailable, bind, log_in

from .blueprint import ApiBlueprint
from .schemas import AreaOut, enum_value
from .security import BEARER, current_claims, current_openid, current_user, requires, requires_bind_token, token_for

bp = ApiBlueprint("mp_auth", __name__, description="登录、绑定邀请码、当前用户")

#: WeChat's jscode2session errors, as a person should hear them.
LOGIN_ERRORS = {
    40029: (400, "登录凭证无效，请重新打开小程序"),
    40163: (400, "登录凭证已使用，请重新打开小程序"),
    45011: (429, "登录太频繁，请稍后再试"),
    -1: (502, "微信繁忙，请稍后再试"),
}


class LoginIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 128),
                         metadata={"description": "the code from wx.login"})


class UserOut(Schema):
    id = fields.Integer()
    name = fields.String()
    role = enum_value(Role)
    role_label = fields.String(attribute="role.label", metadata={"description": "the role in Chinese, e.g. 网格员"})
    areas = fields.List(fields.Nested(AreaOut))


class LoginOut(Schema):
    token = fields.String(metadata={"description": "send as Authorization: Bearer <token>"})
    expires_in = fields.Integer(metadata={"description": "seconds"})
    bound = fields.Boolean(metadata={"description": "false: only /auth/bind is allowed with this token"})
    user = fields.Nested(UserOut, allow_none=True)


class BindIn(Schema):
    invite_code = fields.String(required=True, validate=validate.Length(1, 32))


@bp.post("/auth/login")
@limiter.limit("20/minute")
@bp.arguments(LoginIn)
@bp.response(200, LoginOut)
def login(payload):
    """Log in with the code from ``wx.login``.

    An openid not yet bound to a staff account gets a token that can only call
    ``/auth/bind``. With the development login on (``WECHAT_DEV_LOGIN``, no AppID,
    never in production) the code is mapped to a stable development openid.
    A bound account's token is a new sign-in, which ``/auth/logout`` ends.
    """
    try:
        result = log_in(payload["code"], current_app.config)
    except LoginUnavailable:
        abort(503, message="微信登录尚未配置，请联系管理员")
    except WeChatError as error:
        status, message = LOGIN_ERRORS.get(error.errcode, (502, f"微信登录失败（errcode {error.errcode}）"))
        abort(status, message=message, errors={"code": [f"errcode {error.errcode}"]})
    except WeChatUnavailable:
        abort(502, message="微信服务暂时无法访问，请稍后再试")
    token, expires_in = token_for(user=result.user) if result.user else token_for(openid=result.openid)
    db.session.commit()
    return {"token": token, "expires_in": expires_in, "bound": result.user is not None, "user": result.user}


@bp.post("/auth/bind")
@limiter.limit("10/minute")
@bp.doc(security=BEARER)
@requires_bind_token
@bp.arguments(BindIn)
@bp.response(200, LoginOut)
def bind_invite(payload):
    """Bind this WeChat account to a staff account with its one-time invite code (it then stops working)."""
    try:
        user = bind(current_openid(), payload["invite_code"])
    except InviteInvalid:
        abort(400, message="邀请码无效、已使用或已过期，请向社区索取新的邀请码",
              errors={"invite_code": ["邀请码无效、已使用或已过期"]})
    except AlreadyBound:
        abort(409, message="这个微信已绑定了另一个账号")
    token, expires_in = token_for(user=user)
    db.session.commit()
    return {"token": token, "expires_in": expires_in, "bound": True, "user": user}


@bp.post("/auth/logout")
@bp.doc(security=BEARER)
@requires()
@bp.response(204)
def logout():
    """End this token's sign-in on the server: the token, and any other minted under the same sign-in, stop
    working at once. Other phones and browsers of the same person stay signed in."""
    end_session(current_claims().session_id)
    db.session.commit()


class PingOut(Schema):
    pong = fields.Boolean()


@bp.get("/ping")
@bp.response(200, PingOut)
def ping():
    """Is the server reachable? For the phone's online check (no login, no database)."""
    return {"pong": True}


@bp.get("/me")
@bp.doc(security=BEARER)
@requires()
@bp.response(200, UserOut)
def me():
    """The signed-in staff member, their role and the areas they act in."""
    return current_user()
