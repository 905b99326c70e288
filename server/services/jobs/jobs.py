"""Starting a background job, listing a person's jobs, handing out a finished job's file, and removing old files.

A job is started inside the request's transaction and put in the queue only once
that transaction commits: the worker never looks for a job row that is not there
yet, and a request that fails queues nothing.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select, update

from models import Area, Campaign, Job, JobStatus, User, utcnow
from server.extensions import db
from server.job_queue import job_queue
from server.services.access.audit import record_read
from server.services.files.atomic import PARTIAL_SUFFIX

from .kinds import KINDS, JobKind

RECENT = 10
_PENDING = "qiaomen.jobs_to_queue"  # in ``Session.info``: job ids to queue once the transaction commits


class JobNotReady(LookupError):
    """The job has no file to hand out: it is still running, or it failed."""


class JobExpired(LookupError):
    """The job's file was kept for ``JOB_FILE_HOURS`` and has been removed."""


def job_folder() -> Path:
    """Where finished jobs' files are kept: ``UPLOAD_DIR/jobs`` (shared by the web and worker processes)."""
    return Path(current_app.config["UPLOAD_DIR"]) / "jobs"


def start_job(user: User, kind: str, area: Area, campaign: Campaign | None = None,
              params: dict | None = None) -> Job:
    """Add a queued job of ``kind`` for ``user``; it is queued for the worker when the caller commits. Flushes.

    The caller has checked that ``user`` may read ``area`` and ``campaign``.

    Raises:
        KeyError: ``kind`` is not a registered job kind.
    """
    if kind not in KINDS:
        raise KeyError(kind)
    job = Job(id=str(uuid.uuid4()), kind=kind, user_id=user.id, area_id=area.id,
              campaign_id=campaign.id if campaign else None, status=JobStatus.QUEUED, done=0, total=0,
              params=json.dumps(params, ensure_ascii=False) if params else None)
    db.session.add(job)
    db.session.flush()
    _queue_after_commit(job.id)
    return job


def _queue_after_commit(job_id: str) -> None:
    session = db.session()
    if _PENDING not in session.info:
        session.info[_PENDING] = []
        event.listen(session, "after_commit", _queue_pending)
        event.listen(session, "after_soft_rollback", _forget_pending)
    session.info[_PENDING].append(job_id)


#: What a person is told when the queue cannot take the job (Redis or PostgreSQL down).
QUEUE_DOWN = "任务队列暂时无法使用，请稍后重试，或联系管理员"


def _queue_pending(session) -> None:
    pending, session.info[_PENDING] = session.info[_PENDING], []
    for job_id in pending:
        try:
            job_queue().enqueue(job_id)
        except Exception:  # noqa: BLE001 — the job says so instead of waiting forever
            current_app.logger.exception("job %s: could not be queued", job_id)
            with db.engine.begin() as connection:
                connection.execute(update(Job).where(Job.id == job_id).values(
                    status=JobStatus.FAILED, message=QUEUE_DOWN, finished_at=utcnow()))


def _forget_pending(session, previous_transaction) -> None:
    session.info[_PENDING] = []


def kind_of(job: Job) -> JobKind:
    return KINDS[job.kind]


def recent_jobs(user: User, limit: int = RECENT) -> list[Job]:
    """The user's latest jobs, newest first (我的导出)."""
    return list(db.session.scalars(select(Job).where(Job.user_id == user.id)
                                   .order_by(Job.created_at.desc()).limit(limit)))


@dataclass(frozen=True)
class JobFile:
    path: Path
    download_name: str
    mimetype: str


def job_file(job: Job, reader: User, now: dt.datetime, ip: str | None = None) -> JobFile:
    """The finished file of ``job``, to send to ``reader``; a kind that is audited (the 台账) writes the read.

    Raises:
        JobNotReady: the job is queued, running or failed.
        JobExpired: the file was kept its time and removed (or is gone from disk).
    """
    if job.status is not JobStatus.DONE:
        raise JobNotReady(job.id)
    path = job_folder() / job.file if job.file else None
    if job.expired(now) or path is None or not path.is_file():
        raise JobExpired(job.id)
    kind = kind_of(job)
    if kind.audit:
        record_read(reader, kind.audit, "area", job.area_id,
                    {"campaign_id": job.campaign_id, "rows": job.rows, "job_id": job.id}, ip=ip)
    return JobFile(path, kind.download_name.format(area=job.area.name), kind.mimetype)


def remove_expired_job_files(now: dt.datetime) -> int:
    """Delete the files of jobs kept past their time; how many. The jobs stay, saying their file expired. Also
    deletes what a worker stopped midway left half-written (``.part``), once as old. Flushes."""
    removed = 0
    for job in db.session.scalars(select(Job).where(Job.expires_at <= now, Job.file.is_not(None))):
        (job_folder() / job.file).unlink(missing_ok=True)
        job.file = None
        removed += 1
    db.session.flush()
    cutoff = (now - dt.timedelta(hours=current_app.config["JOB_FILE_HOURS"])).timestamp()
    for partial in job_folder().glob(f"*{PARTIAL_SUFFIX}"):
        if partial.stat().st_mtime < cutoff:
            partial.unlink(missing_ok=True)
    return removed
