"""Downloading the 入户宣传台账 as Excel: every export is written to the audit log."""
from __future__ import annotations

import tempfile

from flask import current_app, request, send_file
from flask_login import current_user

from server.services.access.audit import record_read
from server.services.reports.ledger_export import export_ledger

from . import bp, selection


@bp.get("/export.xlsx")
def export():
    chosen = selection()
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    summary = export_ledger(chosen.campaign, chosen.area, spool, current_app.config["PUBLIC_BASE_URL"])
    record_read(current_user, "export_ledger", "area", chosen.area.id,
                {"campaign_id": chosen.campaign.id, "rows": summary.rows}, ip=request.remote_addr)
    spool.seek(0)
    return send_file(spool, as_attachment=True, download_name=f"{chosen.area.name}-入户宣传台账.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
