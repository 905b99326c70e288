"""File bytes: content-addressed storage, checked uploads, and the sweep of files nobody uses."""

from .storage import LocalStorage
from .sweep import sweep_stray_files, sweep_unused_rows
from .uploads import UploadRejected, UploadTooLarge, configure_pillow, file_extension, store_upload
