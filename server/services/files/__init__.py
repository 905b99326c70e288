"""File bytes: content-addressed storage, checked uploads, and the sweep of files nobody uses."""

from .atomic import PARTIAL_SUFFIX, atomic_open, replacing, write_atomically
from .image_types import IMAGE_TYPES, PNG, by_mime
from .storage import LocalStorage, storage
from .sweep import sweep_stray_files, sweep_unused_rows
from .uploads import (
    FilePurged,
    UploadRejected,
    UploadTooLarge,
    configure_pillow,
    file_extension,
    read_file,
    store_upload,
)

__all__ = [
    "FilePurged",
    "IMAGE_TYPES",
    "LocalStorage",
    "PARTIAL_SUFFIX",
    "PNG",
    "UploadRejected",
    "UploadTooLarge",
    "atomic_open",
    "by_mime",
    "configure_pillow",
    "file_extension",
    "read_file",
    "replacing",
    "storage",
    "store_upload",
    "sweep_stray_files",
    "sweep_unused_rows",
    "write_atomically",
]
