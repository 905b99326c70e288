"""Long work in the background: exports and labels started from a page, run by the worker, downloaded when done."""

from .jobs import (
    JobExpired,
    JobFile,
    JobNotReady,
    job_file,
    job_folder,
    kind_of,
    recent_jobs,
    remove_expired_job_files,
    start_job,
)
from .kinds import KINDS, JobFailed, JobKind, job_kind
from .runner import (INTERNAL_FAILURE, INTERRUPTED, failure_message, interrupt_job, mark_done, mark_failed,
                     start_running, write_job_file)

__all__ = [
    "INTERNAL_FAILURE",
    "INTERRUPTED",
    "JobExpired",
    "JobFailed",
    "JobFile",
    "JobKind",
    "JobNotReady",
    "KINDS",
    "failure_message",
    "interrupt_job",
    "mark_done",
    "mark_failed",
    "job_file",
    "job_folder",
    "job_kind",
    "kind_of",
    "recent_jobs",
    "remove_expired_job_files",
    "start_running",
    "write_job_file",
    "start_job",
]
