"""What a background job can be: one registered work function per kind.

A work function writes the job's file at ``output`` and returns how many rows
(households, labels) it holds, calling ``progress(done)`` as it goes (out of the
kind's ``count(job)``). It runs in the worker, inside an app context, with the job's
area and campaign loaded; what else it was asked is ``job.parameters`` (given to
``start_job(..., params=)``). To
add a kind (the monthly report, a large import), register one function here::

    @job_kind("monthly_report", title="月报", extension=".xlsx", mimetype=XLSX, download_name="{area}-月报.xlsx")
    def monthly_report_job(job, output, progress) -> int: ...

A failure the person can act on is raised as ``JobFailed("<中文原因>")``; any other
exception is logged with its traceback and shown as a plain Chinese sentence.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from models import Job
from server.services.registry.areas import count_households_under

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"

Progress = Callable[[int], None]
Work = Callable[[Job, Path, Progress], int]


class JobFailed(Exception):
    """A job cannot finish, for a reason the person who started it is told (``message``, in Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str  # what the job is called on its page and in 我的导出
    work: Work
    extension: str
    mimetype: str
    download_name: str  # formatted with ``area`` (the area's name)
    count: Callable[[Job], int]  # the progress bar's total, counted when the job starts running
    audit: str | None  # the audit log's action for a download of the file (personal data), if any


KINDS: dict[str, JobKind] = {}


def _households(job: Job) -> int:
    return count_households_under(job.area)


def job_kind(name: str, *, title: str, extension: str, mimetype: str, download_name: str,
             count: Callable[[Job], int] = _households, audit: str | None = None) -> Callable[[Work], Work]:
    """Register the decorated work function as the job kind ``name``."""
    def register(work: Work) -> Work:
        KINDS[name] = JobKind(name, title, work, extension, mimetype, download_name, count, audit)
        return work
    return register


@job_kind("export_ledger", title="导出台账", extension=".xlsx", mimetype=XLSX,
          download_name="{area}-入户宣传台账.xlsx", audit="export_ledger")
def export_ledger_job(job: Job, output: Path, progress: Progress) -> int:
    """The 入户宣传台账 of the job's area and campaign, as ``export_ledger`` writes it for the CLI."""
    from server.services.reports.ledger_export import export_ledger

    if job.campaign is None:
        raise JobFailed("导出台账需要选择一个敲门行动")
    summary = export_ledger(job.campaign, job.area, str(output), current_app.config["PUBLIC_BASE_URL"],
                            progress=progress)
    return summary.rows


@job_kind("labels", title="门贴二维码", extension=".pdf", mimetype=PDF, download_name="{area}-门贴二维码.pdf")
def labels_job(job: Job, output: Path, progress: Progress) -> int:
    """The door labels of every household under the job's area (with the campaign's name, when one is chosen)."""
    from server.services.registry.font import CJKFontMissing, cjk_font
    from server.services.registry.labels import area_labels

    try:
        font = cjk_font(current_app.config["LABEL_FONT"] or None)
    except CJKFontMissing as missing:
        current_app.logger.error("labels: %s", missing)
        raise JobFailed("服务器缺少中文字体，无法生成门贴，请联系管理员") from None
    return area_labels(job.area, str(output), current_app.config["PUBLIC_BASE_URL"], font, campaign=job.campaign,
                       progress=progress)
