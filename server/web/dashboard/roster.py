"""Importing a roster of workers on the team page (人员): upload, preview, confirm, print the invite sheet."""
from __future__ import annotations

import io

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from server.extensions import db
from server.services.imports.invite_sheet import invite_sheet_for, write_invite_sheet_pdf
from server.services.imports.roster import RosterRejected
from server.services.imports.roster_steps import confirm_roster as confirm_staged_roster
from server.services.imports.roster_steps import discard_roster, preview_roster
from server.services.imports.staged import NotStaged
from server.services.imports.table_files import FileFormatError
from server.services.imports.templates import ROSTER_TEMPLATE, write_template
from server.services.registry.font import cjk_font
from server.web.forms import ConfirmRosterForm, ImportRosterForm

from . import bp, selection

CHANGES = {"new": "新增", "updated": "更新网格或角色", "unchanged": "未变"}


def _render(chosen, form, plan=None, errors=(), confirm=None, status=200):
    return render_template("dashboard/roster.html", chosen=chosen, form=form, plan=plan, errors=list(errors),
                           confirm=confirm, changes=CHANGES,
                           hours=current_app.config["INVITE_TTL_HOURS"]), status


@bp.route("/team/roster", methods=["GET", "POST"])
def roster():
    """Upload a roster (姓名, 手机, 网格 or 楼栋, 角色) and preview it: the rows as they will be created, or every
    error by row and column. Nothing is written until the preview is confirmed."""
    chosen = selection()
    form = ImportRosterForm()
    if not form.validate_on_submit():
        return _render(chosen, form, status=400 if request.method == "POST" else 200)
    try:
        plan, token = preview_roster(form.file.data.stream, form.file.data.filename or "", current_user,
                                     chosen.area)
    except FileFormatError as bad:
        return _render(chosen, form, errors=[str(bad)], status=400)
    except RosterRejected as rejected:
        return _render(chosen, form, plan=rejected.plan, errors=[str(e) for e in rejected.plan.errors],
                       status=400)
    confirm = ConfirmRosterForm(formdata=None, token=token)
    return _render(chosen, form, plan=plan, confirm=confirm)


@bp.post("/team/roster/confirm")
def confirm_roster():
    """Create the previewed accounts and invite codes, then show where to download the invite sheet."""
    chosen = selection()
    form = ConfirmRosterForm()
    if not form.validate_on_submit():
        flash("没有可确认的名单，请重新上传", "error")
        return redirect(url_for("dash.roster", **chosen.args()))
    try:
        result, sheet = confirm_staged_roster(current_user, form.token.data, chosen.area,
                                              current_app.config["INVITE_TTL_HOURS"], ip=request.remote_addr)
    except NotStaged:
        db.session.rollback()
        flash("预览已过期，请重新上传名单", "error")
        return redirect(url_for("dash.roster", **chosen.args()))
    except RosterRejected as rejected:  # the database changed since the preview
        db.session.rollback()
        return _render(chosen, ImportRosterForm(formdata=None), plan=rejected.plan,
                       errors=[str(e) for e in rejected.plan.errors], status=400)
    db.session.commit()
    discard_roster(form.token.data, current_user)
    message = f"导入完成：新增 {result.created} 人，更新 {result.updated} 人，未变 {result.unchanged} 人"
    if result.already_signed_in:
        message += f"；已登录过、未重发邀请码：{'、'.join(result.already_signed_in)}"
    flash(message, "info")
    return redirect(url_for("dash.roster_done", token=sheet.token, **chosen.args()))


@bp.get("/team/roster/<token>")
def roster_done(token: str):
    """The result of an import, with the link to its invite sheet: only for whoever imported it."""
    chosen = selection()
    sheet, cards = invite_sheet_for(current_user, token)
    return render_template("dashboard/roster_done.html", chosen=chosen, sheet=sheet, cards=cards,
                           hours=current_app.config["INVITE_TTL_HOURS"])


@bp.get("/team/roster/<token>/invites.pdf")
def roster_invites_pdf(token: str):
    """The invite sheet as an A4 PDF, one card per person; each download is written to the audit log."""
    buffer = io.BytesIO()
    count = write_invite_sheet_pdf(current_user, token, buffer, current_app.config["PUBLIC_BASE_URL"],
                                   cjk_font(current_app.config["LABEL_FONT"] or None), ip=request.remote_addr)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/pdf", as_attachment=True,
                     download_name=f"invites-{count}.pdf")


@bp.get("/team/roster-template.xlsx")
def roster_template():
    """The roster template: header, two example rows, a drop-down for 角色."""
    selection()  # for the team page's callers only, like every dashboard route
    return send_file(io.BytesIO(write_template(ROSTER_TEMPLATE)), as_attachment=True, download_name="人员名单模板.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
