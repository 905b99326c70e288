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
from .runner import INTERNAL_FAILURE, INTERRUPTED, interrupt_job, run_job

__all__ = [
    "INTERNAL_FAILURE",
    "INTERRUPTED",
    "JobExpired",
    "JobFailed",
    "JobFile",
    "JobKind",
    "JobNotReady",
    "KINDS",
    "interrupt_job",
    "job_file",
    "job_folder",
    "job_kind",
    "kind_of",
    "recent_jobs",
    "remove_expired_job_files",
    "run_job",
    "start_job",
]
