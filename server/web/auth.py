"""Staff sign-in with a password and a session cookie, with lock-out after repeated failures."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from models import User
from server.extensions import db, limiter
from server.services.accounts import AccountLocked, InvalidCredentials, authenticate
from server.timefmt import local_time
from server.web.forms import LoginForm
from server.web.redirects import safe_next

bp = Blueprint("auth", __name__)


def load_user(session_id: str) -> User | None:
    """The signed-in user of a session, unless deactivated or revoked since (its token version moved on)."""
    user_id, _, version = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or str(user.token_version) != version:
        return None
    return user


def _home_of(user: User) -> str:
    """Heads and admins start on the dashboard."""
    return url_for("dash.overview") if not user.role.is_field_worker else url_for("staff.home")


def _failed(response) -> bool:
    """A login that was refused: wrong name or password, or an address locked out of the account."""
    return response.status_code in (401, 429)


@bp.route("/login", methods=["GET", "POST"])
# Per address, across all accounts: whoever tries name after name is stopped, whichever accounts they try.
@limiter.limit("20/hour", methods=["POST"], deduct_when=_failed)
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
        except AccountLocked as locked:
            db.session.commit()
            flash(f"登录失败次数过多，已暂时锁定，请于 {local_time(locked.until, '%H:%M')} 后再试", "error")
            status = 429
        except InvalidCredentials:
            db.session.commit()
            flash("用户名或密码错误", "error")
            status = 401
        else:
            db.session.commit()
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or _home_of(user))
    elif request.method == "POST":
        status = 400
    return render_template("login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("您已退出登录", "info")
    return redirect(url_for("auth.login"))
