"""Administration: invite and deactivate workers, import households."""
from __future__ import annotations

import base64
import io

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from models import FIELD_ROLES, AreaLevel, Role, User, user_area
from server.extensions import db
from server.services.accounts import create_user, deactivate_user, reinvite as reinvite_worker, sign_out_devices
from server.services.areas import areas_under
from server.services.door_codes import qr_png
from server.services.household_files import HEADER_OF, FileFormatError
from server.services.household_import import ImportRejected
from server.services.privacy import mask_phone
from server.services.register_import import Preview, confirm_upload, map_upload, preview_upload, upload_header
from server.services.register_template import register_template
from server.services.scope import OutOfScope, get_worker, manages
from server.services.staged_imports import NotStaged, discard_import, stage_import, staged_import
from server.web.forms import ConfirmForm, ImportHouseholdsForm, InviteWorkerForm, column_mapping_form

from . import area_or_404, bp, selection



def _workers(area) -> list[User]:
    areas = [a.id for a in db.session.scalars(areas_under(area))]
    return list(db.session.scalars(select(User).join(user_area, user_area.c.user_id == User.id)
                                   .where(user_area.c.area_id.in_(areas), User.role.in_(FIELD_ROLES))
                                   .distinct().order_by(User.name)))


def _worker_or_404(user_id: int) -> User:
    try:
        return get_worker(current_user, user_id)
    except OutOfScope:
        abort(404, description="没有这个网格员，或他不在您的范围内")


def _invite_page(chosen, form, invite=None, worker=None):
    qr = base64.b64encode(qr_png(f"QIAOMEN-INVITE:{invite}", box_size=6)).decode() if invite else None
    workers = _workers(chosen.area)
    return render_template("dashboard/workers_admin.html", chosen=chosen, form=form, workers=workers,
                           managed={w.id for w in workers if manages(current_user, w)}, invite=invite,
                           invited=worker, qr=qr,
                           hours=current_app.config["INVITE_TTL_HOURS"])


@bp.route("/team", methods=["GET", "POST"])
def team():
    """Invite a worker (an account and a one-time invite code, as text and QR code) and see the team."""
    chosen = selection()
    form = InviteWorkerForm()
    form.grid.choices = [SelectChoice(g.id, f"{g.parent.name} · {g.name}") for g in db.session.scalars(
        areas_under(chosen.area, AreaLevel.GRID))]
    if form.validate_on_submit():
        grid = next((g for g in db.session.scalars(areas_under(chosen.area, AreaLevel.GRID)) if g.id == form.grid.data),
                    None)
        if grid is None:
            abort(404)
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
    worker = _worker_or_404(user_id)
    code = reinvite_worker(worker, current_app.config["INVITE_TTL_HOURS"])
    db.session.commit()
    return _invite_page(chosen, InviteWorkerForm(formdata=None), code, worker)


@bp.post("/team/<int:user_id>/sign-out")
def sign_out_worker(user_id: int):
    """Sign a worker out everywhere (a lost phone): every browser, remember cookie and mini-program token."""
    chosen = selection()
    worker = _worker_or_404(user_id)
    sign_out_devices(worker)
    db.session.commit()
    flash(f"已让 {worker.name} 在所有设备上退出登录；用新邀请码可重新登录", "info")
    return redirect(url_for("dash.team", **chosen.args()))


@bp.post("/team/<int:user_id>/deactivate")
def deactivate(user_id: int):
    chosen = selection()
    worker = _worker_or_404(user_id)
    deactivate_user(worker)
    db.session.commit()
    flash(f"已停用 {worker.name} 的账号，其小程序和网页登录立即失效", "info")
    return redirect(url_for("dash.team", **chosen.args()))


def _staged_or_404(token: str):
    """The caller's upload and its area, in the caller's scope; else 404."""
    try:
        staged = staged_import(token, current_user)
    except NotStaged:
        abort(404, description="没有这个上传的文件，或它已过期（上传后保留一小时），请重新上传")
    return staged, selection(area_or_404(staged.area_id))


@bp.route("/import", methods=["GET", "POST"])
def import_file():
    """Upload a household register for import into the chosen area; the next steps map columns and preview."""
    chosen = selection()
    form = ImportHouseholdsForm()
    if form.validate_on_submit():
        token = stage_import(form.file.data.stream, form.file.data.filename or "", current_user, chosen.area.id)
        return redirect(url_for("dash.import_preview", token=token, **chosen.args()))
    return render_template("dashboard/import.html", chosen=chosen, form=form)


@bp.get("/import/template.xlsx")
def import_template():
    """The register template: header, two example rows, a drop-down for 状态."""
    selection()
    return send_file(io.BytesIO(register_template()), as_attachment=True, download_name="住户登记表模板.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/import/<token>/map", methods=["GET", "POST"])
def import_map(token: str):
    """Map each column of the upload to a field (or 忽略); the mapping is remembered for the same header."""
    staged, chosen = _staged_or_404(token)
    try:
        header = upload_header(staged)
    except FileFormatError as bad:
        return render_template("dashboard/import_preview.html", chosen=chosen, staged=staged,
                               preview=Preview(None, errors=[str(bad)]), form=ConfirmForm())
    form = column_mapping_form(header, HEADER_OF)
    if form.validate_on_submit():
        mapping = {i: (form[f"col{i}"].data or None) for i in range(len(header.names))}
        map_upload(staged, chosen.area, mapping, current_user)
        db.session.commit()
        return redirect(url_for("dash.import_preview", token=token, **chosen.args()))
    return render_template("dashboard/import_map.html", chosen=chosen, staged=staged, header=header, form=form,
                           fields=HEADER_OF)


@bp.get("/import/<token>")
def import_preview(token: str):
    """The import as it will be: the first rows as stored, the counts, every error; then 确认导入 or 取消."""
    staged, chosen = _staged_or_404(token)
    preview = preview_upload(staged, chosen.area, current_user)
    db.session.rollback()
    if preview.needs_mapping:
        if preview.errors:
            flash(preview.errors[0], "error")
        return redirect(url_for("dash.import_map", token=token, **chosen.args()))
    return render_template("dashboard/import_preview.html", chosen=chosen, staged=staged, preview=preview,
                           form=ConfirmForm(), mask_phone=mask_phone)


@bp.post("/import/<token>/confirm")
def import_confirm(token: str):
    """Import the previewed upload for good; with bad rows nothing is kept and the preview shows why."""
    staged, chosen = _staged_or_404(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        report = confirm_upload(staged, chosen.area, current_user)
    except (FileFormatError, ImportRejected):  # MissingColumns included: the preview sends the user to map them
        db.session.rollback()
        return redirect(url_for("dash.import_preview", token=token, **chosen.args()))
    db.session.commit()
    discard_import(token, current_user)
    flash(f"导入完成：共 {report.rows} 行，新增 {report.created} 户，更新 {report.updated} 户，"
          f"未变 {report.unchanged} 户", "info")
    return redirect(url_for("dash.import_file", **chosen.args()))


@bp.post("/import/<token>/cancel")
def import_cancel(token: str):
    """Drop the upload: nothing is imported."""
    _, chosen = _staged_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    discard_import(token, current_user)
    flash("已取消导入，上传的文件已删除", "info")
    return redirect(url_for("dash.import_file", **chosen.args()))
