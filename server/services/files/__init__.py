"""File bytes: content-addressed storage, checked uploads, and the sweep of files nobody uses."""

from .atomic import atomic_open, replacing, write_atomically
from .image_types import IMAGE_TYPES, ImageType, by_mime
from .storage import LocalStorage, storage
from .sweep import sweep_stray_files, sweep_unused_rows
from .uploads import UploadRejected, UploadTooLarge, configure_pillow, file_extension, store_upload
from .uploads import FilePurged, read_file
