"""Running one job in the worker: mark it running, call its kind's work function, keep its file, say how it ended.

These steps flush and never commit: the worker's task (``server/job_queue.py``) is
where a job's unit of work begins and ends, as a view's or a CLI command's does, and
commits between them (running, then done or failed). Progress is written on a
connection of its own, committed at once, so the page sees it while the work's long
read goes on.
"""
from __future__ import annotations

import datetime as dt
import time

from flask import current_app
from sqlalchemy import update

from models import Job, JobStatus, utcnow
from server.extensions import db
from server.services.files.atomic import replacing

from .jobs import job_folder, kind_of
from .kinds import JobFailed

#: What a person is told when a job fails for a reason that is ours, not theirs (the traceback is in the log).
INTERNAL_FAILURE = "生成失败：服务器内部错误，已记录。请稍后重试，或联系管理员"
#: The page polls every 1.5 s; progress written more often would only be more commits.
PROGRESS_EVERY = 0.5
#: What a person is told when the worker was stopped (a restart, a deployment) while their job ran.
INTERRUPTED = "后台任务进程在生成过程中停止（例如服务器重启），文件未生成，请重新发起"


def start_running(job_id: str):
    """The queued job ``job_id`` marked running, with its kind, or None when it is missing or no longer queued."""
    job = db.session.get(Job, job_id)
    if job is None or job.status is not JobStatus.QUEUED:
        current_app.logger.warning("job %s: not queued (%s), not run", job_id, job.status if job else "missing")
        return None
    kind = kind_of(job)
    job.status, job.total = JobStatus.RUNNING, kind.count(job)
    db.session.flush()
    return job, kind


def write_job_file(job: Job, kind) -> tuple[str, int]:
    """Do the job's work into its file, written whole or not at all; returns the file's name and its rows."""
    folder = job_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{job.id}{kind.extension}"
    with replacing(folder / name) as partial:
        rows = kind.work(job, partial, _progress(job.id))
    return name, rows


def mark_done(job: Job, name: str, rows: int) -> None:
    now = utcnow()
    job.status, job.file, job.rows, job.done = JobStatus.DONE, name, rows, max(rows, job.total)
    job.finished_at = now
    job.expires_at = now + dt.timedelta(hours=current_app.config["JOB_FILE_HOURS"])
    db.session.flush()


def mark_failed(job_id: str, message: str) -> None:
    job = db.session.get(Job, job_id)
    job.status, job.message, job.finished_at = JobStatus.FAILED, message, utcnow()
    db.session.flush()


def failure_message(error: Exception, job_id: str) -> str:
    """What the person is told of ``error``: a JobFailed's own words, else INTERNAL_FAILURE (the traceback is logged)."""
    if isinstance(error, JobFailed):
        return error.message
    current_app.logger.error("job %s failed", job_id, exc_info=error)
    return INTERNAL_FAILURE


def interrupt_job(job_id: str) -> None:
    """Mark the job failed because its worker stopped under it, unless it already ended."""
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
                           .values(status=JobStatus.FAILED, message=INTERRUPTED, finished_at=utcnow()))


def _progress(job_id: str):
    """The work's ``progress(done)``: written at most every ``PROGRESS_EVERY`` seconds, each time committed."""
    last = 0.0

    def write(done: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_EVERY:
            return
        last = time.monotonic()
        with db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == job_id).values(done=done))
    return write
