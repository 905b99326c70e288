"""The team (人员): invite, re-invite, sign out and deactivate workers."""
from __future__ import annotations

import base64

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from models import Role
from server.extensions import db
from server.services.access.accounts import create_user, deactivate_user
from server.services.access.accounts import reinvite as reinvite_worker
from server.services.access.accounts import sign_out_devices
from server.services.access.scope import get_grid, get_worker
from server.services.canvassing.team import invite_qr_png, team_of
from server.services.registry.areas import grids_under
from server.web.forms import InviteWorkerForm

from . import bp, selection


def _invite_page(chosen, form, invite=None, worker=None):
    qr = base64.b64encode(invite_qr_png(invite)).decode() if invite else None
    team = team_of(current_user, chosen.area)
    return render_template("dashboard/workers_admin.html", chosen=chosen, form=form, workers=team.workers,
                           managed=team.managed, invite=invite,
                           invited=worker, qr=qr,
                           hours=current_app.config["INVITE_TTL_HOURS"])


@bp.route("/team", methods=["GET", "POST"])
def team():
    """Invite a worker (an account and a one-time invite code, as text and QR code) and see the team."""
    chosen = selection()
    form = InviteWorkerForm()
    grids = grids_under(chosen.area)
    form.grid.choices = [SelectChoice(g.id, f"{g.parent.name} · {g.name}") for g in grids]
    if form.validate_on_submit():
        grid = get_grid(current_user, form.grid.data)  # one of the choices: a grid of the chosen area
        account = create_user(form.name.data, Role(form.role.data), [grid],
                              invite_ttl_hours=current_app.config["INVITE_TTL_HOURS"])
        db.session.commit()
        return _invite_page(chosen, InviteWorkerForm(formdata=None), account.invite_code, account.user)
    return _invite_page(chosen, form)


@bp.post("/team/<int:user_id>/invite")
def reinvite(user_id: int):
    """A new one-time invite code, e.g. for a worker's new phone: every device the worker had is signed out and
    every earlier unused code stops working."""
    chosen = selection()
    worker = get_worker(current_user, user_id)
    code = reinvite_worker(worker, current_app.config["INVITE_TTL_HOURS"])
    db.session.commit()
    return _invite_page(chosen, InviteWorkerForm(formdata=None), code, worker)


@bp.post("/team/<int:user_id>/sign-out")
def sign_out_worker(user_id: int):
    """Sign a worker out everywhere (a lost phone): every browser, remember cookie and mini-program token."""
    chosen = selection()
    worker = get_worker(current_user, user_id)
    sign_out_devices(worker)
    db.session.commit()
    flash(f"已让 {worker.name} 在所有设备上退出登录；用新邀请码可重新登录", "info")
    return redirect(url_for("dash.team", **chosen.args()))


@bp.post("/team/<int:user_id>/deactivate")
def deactivate(user_id: int):
    chosen = selection()
    worker = get_worker(current_user, user_id)
    deactivate_user(worker)
    db.session.commit()
    flash(f"已停用 {worker.name} 的账号，其小程序和网页登录立即失效", "info")
    return redirect(url_for("dash.team", **chosen.args()))
