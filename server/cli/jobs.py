"""``flask jobs worker``: the process that runs background jobs (exports, labels) taken from the queue."""
from __future__ import annotations

import logging

import click
from flask.cli import AppGroup

from server.job_queue import job_queue

jobs_group = AppGroup("jobs", help="Background jobs: exports and labels started from the pages.")


@jobs_group.command("worker")
@click.option("--threads", type=click.IntRange(min=1), default=2, show_default=True,
              help="How many jobs run at once.")
def worker_command(threads: int) -> None:
    """Run queued jobs until stopped: Ctrl-C (SIGINT) lets the running jobs finish first; SIGTERM stops at once,
    and the jobs it cut short say so on their page."""
    queue = job_queue()
    if queue.runs_in_process:
        raise click.ClickException("JOB_QUEUE_URL=memory:// 在网页进程内直接运行任务，不需要 worker")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo(f"后台任务 worker 已启动（{threads} 个线程），队列：{_shown(queue)}")
    queue.consumer(workers=threads).run()


def _shown(queue) -> str:
    storage = queue.huey.storage
    return getattr(storage, "filename", None) or type(storage).__name__
