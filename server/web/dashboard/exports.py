"""The 入户宣传台账 as Excel, and door labels, made by a background job; the page follows it and hands out the file.

A district's 台账 takes longer than a request may: the button starts a job and
opens its page, which shows the progress and then the download. Only the person
who started a job sees it; every download of a 台账 is written to the audit log.
"""
from __future__ import annotations

from flask import abort, current_app, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from models import utcnow
from server.extensions import db
from server.services.access.scope import get_job
from server.services.jobs import JobExpired, JobNotReady, job_file, kind_of, recent_jobs, start_job

from . import bp, optional_selection, selection


@bp.get("/export.xlsx")
def export():
    """The old download address (a bookmark, an old page): the 台账 is now made by a job, started from 我的导出."""
    chosen = selection()
    return redirect(url_for("dash.jobs", **chosen.args()))


@bp.post("/export")
def export_start():
    chosen = selection()
    job = start_job(current_user, "export_ledger", chosen.area, chosen.campaign)
    db.session.commit()
    return redirect(url_for("dash.job", job_id=job.id))


@bp.get("/jobs")
def jobs():
    """我的导出: the caller's latest jobs, and a button to export the chosen area's 台账."""
    chosen = selection() if request.args.get("area") else optional_selection()
    return render_template("dashboard/jobs.html", chosen=chosen, jobs=recent_jobs(current_user), kind_of=kind_of,
                           now=utcnow())


@bp.get("/jobs/<job_id>")
def job(job_id: str):
    found = get_job(current_user, job_id)
    return render_template("dashboard/job.html", chosen=optional_selection(), job=found, kind=kind_of(found),
                           now=utcnow(), hours=current_app.config["JOB_FILE_HOURS"])


@bp.get("/jobs/<job_id>.json")
def job_progress(job_id: str):
    found = get_job(current_user, job_id)
    return jsonify({"id": found.id, "status": found.status.value, "status_label": found.status.label,
                    "done": found.done, "total": found.total, "percent": found.percent, "message": found.message,
                    "finished": found.status.finished})


@bp.get("/jobs/<job_id>/file")
def job_download(job_id: str):
    found = get_job(current_user, job_id)
    try:
        ready = job_file(found, current_user, utcnow(), ip=request.remote_addr)
    except JobNotReady:
        abort(409, description="文件尚未生成：任务还在进行，或已失败")
    except JobExpired:
        abort(410, description=f"文件已过期删除（保留 {current_app.config['JOB_FILE_HOURS']} 小时），请重新导出")
    return send_file(ready.path, as_attachment=True, download_name=ready.download_name, mimetype=ready.mimetype)
