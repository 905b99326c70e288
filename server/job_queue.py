"""The queue background jobs wait in, and the worker that runs them: huey, built per app by the factory.

``JOB_QUEUE_URL`` names the queue: a SQLite file (the default, in the instance
folder: ``make run`` needs no other service), Redis or PostgreSQL in production,
or ``memory://``, which runs each job at once inside the process that starts it
(tests). Nothing opens a file or a connection on import, nor when the app is built:
``JobQueue`` is made by ``create_app``, reached through ``job_queue()``, and opens
its queue on first use.

The queue carries only a job's id; what to do and how far it got are in the
``job`` table (``server/services/jobs``), so a page reload, another gunicorn
worker or a restarted worker process all see the same job.
"""
from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app
from huey import MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey
from huey.signals import SIGNAL_INTERRUPTED

from server.extensions import db

#: One queue name for every process of an instance: web workers put jobs in, ``flask jobs worker`` takes them out.
QUEUE_NAME = "qiaomen-jobs"


def build_huey(url: str):
    """The huey instance for ``JOB_QUEUE_URL`` (already checked by ``server.config.job_settings``)."""
    scheme, _, rest = url.partition("://")
    if scheme == "memory":
        return MemoryHuey(QUEUE_NAME, immediate=True)
    if scheme == "sqlite":
        path = Path(rest.removeprefix("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=str(path))
    if scheme in ("redis", "rediss"):
        return RedisHuey(QUEUE_NAME, url=url)
    return PostgresHuey(QUEUE_NAME, dsn="postgresql://" + rest)


class JobQueue:
    """An app's queue: ``enqueue(job_id)`` from the web process, ``consumer()`` in the worker process.

    The huey instance is built on first use, not with the app: a command that never queues a job (``db upgrade``)
    opens no queue, and a queue that is down fails the request that needs it, not the start of every process.
    """

    def __init__(self, app: Flask):
        self._app = app
        self._huey = self._run = None
        self._lock = threading.Lock()

    @property
    def huey(self):
        return self._built()[0]

    def _built(self) -> tuple:
        """The huey instance and the task that runs one job, built on first use."""
        with self._lock:
            if self._huey is None:
                self._huey, self._run = self._build(self._app)
        return self._huey, self._run

    @staticmethod
    def _build(app: Flask):
        huey = build_huey(app.config["JOB_QUEUE_URL"])

        @huey.task(name="qiaomen.run_job")
        def run(job_id: str) -> None:
            with app.app_context():  # a job outside any request: a session of its own, closed when it ends
                run_job(job_id)

        @huey.signal(SIGNAL_INTERRUPTED)
        def interrupted(signal, task, *_) -> None:  # the worker was stopped while the job ran
            from server.services.jobs.runner import interrupt_job

            with app.app_context():
                interrupt_job(*task.args)

        return huey, run

    @property
    def runs_in_process(self) -> bool:
        """True for ``memory://``: each job runs at once where it is started; no worker is needed."""
        return self._app.config["JOB_QUEUE_URL"].startswith("memory://")

    def enqueue(self, job_id: str) -> None:
        run = self._built()[1]
        if not self.runs_in_process:
            run(job_id)
            return
        # In process, the job still runs as the worker would: on a thread of its own, outside the request that
        # started it (whose transaction, on SQLite, would otherwise make each of the job's reads a writer's).
        runner = threading.Thread(target=run, args=(job_id,), name=f"job-{job_id}")
        runner.start()
        runner.join()

    def consumer(self, workers: int = 2, **options):
        """A huey consumer running jobs on ``workers`` threads (``flask jobs worker``)."""
        return self.huey.create_consumer(workers=workers, worker_type="thread", **options)


def run_job(job_id: str) -> None:
    """Run the queued job ``job_id`` to its end: the job's unit of work, committed step by step as a command's is."""
    from server.services.jobs import failure_message, mark_done, mark_failed, start_running, write_job_file

    try:
        started = start_running(job_id)
        if started is None:
            return
        db.session.commit()
        name, rows = write_job_file(*started)
    except Exception as error:  # noqa: BLE001 — any failure ends the job in words, never a traceback to the person
        db.session.rollback()
        mark_failed(job_id, failure_message(error, job_id))
    else:
        db.session.rollback()  # ends the work's long read, whose snapshot (SQLite) predates the progress written
        mark_done(started[0], name, rows)
    db.session.commit()


def job_queue() -> JobQueue:
    """The app's job queue, built once by the app factory from ``JOB_QUEUE_URL``."""
    return current_app.extensions["qiaomen.job_queue"]
