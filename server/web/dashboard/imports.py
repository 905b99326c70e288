"""Importing a household register on the dashboard (导入住户), step by step: upload → map columns → preview →
confirm or cancel."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from server.extensions import db
from server.services.imports.household_files import HEADER_OF, FileFormatError
from server.services.imports.households import ImportRejected
from server.services.imports.register_steps import Preview, confirm_upload, map_upload, preview_upload, upload_header
from server.services.imports.staged import discard_import, get_staged, stage_import
from server.services.imports.templates import REGISTER_TEMPLATE, write_template
from server.services.privacy.masking import mask_phone
from server.web.forms import ConfirmForm, ImportHouseholdsForm, column_mapping_form

from . import bp, selection


def _staged(token: str):
    """The caller's upload and the selection of its area (both in the caller's scope, else OutOfScope)."""
    staged = get_staged(current_user, token)
    return staged, selection(staged.area)


@bp.route("/import", methods=["GET", "POST"])
def import_file():
    """Upload a household register for import into the chosen area; the next steps map columns and preview."""
    chosen = selection()
    form = ImportHouseholdsForm()
    if form.validate_on_submit():
        token = stage_import(form.file.data.stream, form.file.data.filename or "", current_user, chosen.area)
        return redirect(url_for("dash.import_preview", token=token, **chosen.args()))
    return render_template("dashboard/import.html", chosen=chosen, form=form)


@bp.get("/import/template.xlsx")
def import_template():
    """The register template: header, two example rows, a drop-down for 状态."""
    selection()
    return send_file(io.BytesIO(write_template(REGISTER_TEMPLATE)), as_attachment=True, download_name="住户登记表模板.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/import/<token>/map", methods=["GET", "POST"])
def import_map(token: str):
    """Map each column of the upload to a field (or 忽略); the mapping is remembered for the same header."""
    staged, chosen = _staged(token)
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
    staged, chosen = _staged(token)
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
    staged, chosen = _staged(token)
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
    _, chosen = _staged(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    discard_import(token, current_user)
    flash("已取消导入，上传的文件已删除", "info")
    return redirect(url_for("dash.import_file", **chosen.args()))
