"""Staff sign-in with a password and a session cookie, with lock-out after repeated failures.

Every sign-in is a ``LoginSession`` on the server (``server.services.access.sessions``): the session cookie and the
remember cookie name it, and logging out revokes it.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from models import SessionChannel, User
from server.extensions import db, limiter
from server.services.access.accounts import (AccountLocked, InvalidCredentials, PublicPassword, authenticate,
                                             login_network)
from server.services.access.sessions import end_session, signed_in_user, start_session
from server.timefmt import local_time
from server.web.forms import LoginForm
from server.web.redirects import safe_next

bp = Blueprint("auth", __name__)


def load_user(session_id: str) -> User | None:
    """The signed-in user of a session or remember cookie (``user:version:sign-in``), unless deactivated, signed
    out everywhere (its token version moved on) or logged out of this sign-in since."""
    user_id, version, login_session = (session_id.split(":") + ["", ""])[:3]
    if not (user_id.isdigit() and version.isdigit() and login_session):
        return None
    return signed_in_user(int(user_id), int(version), login_session)


def client_identifier() -> str:
    """What Flask-Login's strong session protection binds a session to: the client's address and browser.

    The address is ``request.remote_addr``, which ``X-Forwarded-For`` sets only through ProxyFix when
    ``TRUSTED_PROXIES`` says a proxy is in front; a header the client wrote itself changes nothing.
    """
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(f"{request.remote_addr}|{agent}".encode()).hexdigest()


def sign_in(user: User, channel: SessionChannel, **remember) -> None:
    """Start a server-side sign-in for ``user`` in a fresh session (whatever the browser held before is dropped,
    the CSRF token renewed), and commit it."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's per-request copy of the old token
    start_session(user, channel)
    db.session.commit()
    login_user(user, **remember)


def sign_out() -> None:
    """End the current sign-in on the server, then in the browser (session and remember cookie), and commit."""
    end_session(getattr(current_user, "login_session_id", None))
    db.session.commit()
    session.clear()
    logout_user()  # after the clear: it leaves the word that deletes the remember cookie in the session


def _home_of(user: User) -> str:
    """Heads and admins start on the dashboard."""
    return url_for("dash.overview") if not user.role.is_field_worker else url_for("staff.home")


def _failed(response) -> bool:
    """A login that was refused: wrong name or password, or an address locked out of the account."""
    return response.status_code in (401, 429)


@bp.route("/login", methods=["GET", "POST"])
# Per address, across all accounts: whoever tries name after name is stopped, whichever accounts they try.
@limiter.limit("20/hour", methods=["POST"], deduct_when=_failed, key_func=lambda: login_network(request.remote_addr))
def login():
    if current_user.is_authenticated:
        return redirect(_home_of(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr,
                                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                                lockout_minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
        except PublicPassword:
            db.session.commit()
            flash("这是公开的演示密码，正式环境不能使用：请管理员用 flask --app wsgi set-password 为您重设密码", "error")
            status = 403
        except AccountLocked as locked:
            db.session.commit()
            flash(f"登录失败次数过多，已暂时锁定，请于 {local_time(locked.until, '%H:%M')} 后再试", "error")
            status = 429
        except InvalidCredentials:
            db.session.commit()
            flash("用户名或密码错误", "error")
            status = 401
        else:
            sign_in(user, SessionChannel.STAFF)
            return redirect(safe_next(request.args.get("next")) or _home_of(user))
    elif request.method == "POST":
        status = 400
    return render_template("login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Sign out: this sign-in ends on the server, so a copy of its cookie no longer works either."""
    sign_out()
    flash("您已退出登录", "info")
    return redirect(url_for("auth.login"))
