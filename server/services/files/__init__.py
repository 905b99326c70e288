"""File bytes: content-addressed storage, checked uploads, and the sweep of files nobody uses."""

from .storage import LocalStorage
from .sweep import sweep_files
from .uploads import (FilePurged, UploadRejected, UploadTooLarge, configure_pillow, file_extension, read_file,
                      store_upload)
