"""Photos and signatures from phones: checked by their bytes, re-encoded without metadata, stored once.

Images are opened with Pillow under a lowered pixel limit (``configure_pillow``
lowers Pillow's own bomb limit too); a decompression bomb is refused before it
is decoded. Whatever the phone declared, only real JPEG, PNG or WebP
bytes are accepted. Photos are turned upright, shrunk to 1600 px on the long
side and re-encoded as JPEG; signatures as PNG. EXIF (with any GPS) is gone
in both.
"""
from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from PIL import Image, ImageOps
from sqlalchemy import select

from models import FileKind, StoredFile, User
from server.extensions import db
from server.services.files.image_types import JPEG, PNG, by_format, by_mime
from server.services.files.storage import LocalStorage

PHOTO_LONG_SIDE = 1600
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused; 12 MP is the common case


class UploadRejected(ValueError):
    """The upload is not an acceptable image; the message says why, in Chinese."""


class FilePurged(LookupError):
    """The file's bytes were deleted when its retention period ended; its record stays (and says when)."""


class UploadTooLarge(UploadRejected):
    """Over the size limit (answered 413)."""


@dataclass(frozen=True)
class Encoded:
    data: bytes
    content_type: str
    width: int
    height: int


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise UploadRejected("图片像素过多，请压缩后再上传") from exc
    except Exception as exc:  # Pillow raises many types for broken or foreign bytes
        raise UploadRejected("文件不是有效的图片") from exc
    if by_format(image.format) is None:
        raise UploadRejected("只接受 JPEG、PNG 或 WebP 图片")
    width, height = image.size
    if width * height > max_pixels:  # checked before a single pixel is decoded
        raise UploadRejected("图片像素过多，请压缩后再上传")
    try:
        image.load()
    except Exception as exc:
        raise UploadRejected("图片已损坏，无法读取") from exc
    return image


def encode(data: bytes, kind: FileKind, max_pixels: int = MAX_PIXELS) -> Encoded:
    """Re-encode an uploaded image for storage: upright, no metadata, photos at most 1600 px.

    Raises:
        UploadRejected: not a JPEG/PNG/WebP image, broken, or a decompression bomb.
    """
    image = _open(data, max_pixels)
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if kind is FileKind.PHOTO:
        image = image.convert("RGB")
        image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE), Image.LANCZOS)
        image.save(out, format=JPEG.format, quality=85, optimize=True)
        content_type = JPEG.mime
    else:
        if image.mode not in ("RGBA", "LA", "L", "1"):
            image = image.convert("RGBA")
        image.save(out, format=PNG.format, optimize=True)
        content_type = PNG.mime
    return Encoded(out.getvalue(), content_type, image.width, image.height)


def store_upload(owner: User | None, kind: FileKind, data: bytes, storage: LocalStorage,
                 max_bytes: int) -> StoredFile:
    """Check, re-encode and keep an image; the same bytes from the same owner give the same file. Flushes.

    Raises:
        UploadTooLarge: more than ``max_bytes``.
        UploadRejected: see ``encode``.
    """
    if len(data) > max_bytes:
        raise UploadTooLarge(f"文件不能超过 {max_bytes // (1024 * 1024)} MB")
    if not data:
        raise UploadRejected("文件是空的")
    encoded = encode(data, FileKind(kind))
    sha256 = storage.put(encoded.data, by_mime(encoded.content_type).extension)
    owner_id = owner.id if owner else None
    existing = db.session.scalar(select(StoredFile).where(
        StoredFile.owner_id == owner_id if owner_id else StoredFile.owner_id.is_(None),
        StoredFile.kind == kind, StoredFile.sha256 == sha256))
    if existing is not None:
        existing.purged_at = None  # the same bytes again, after a purge: they are stored anew above
        return existing
    stored = StoredFile(id=uuid.uuid4().hex, owner_id=owner_id, kind=kind, sha256=sha256,
                        content_type=encoded.content_type, width=encoded.width, height=encoded.height,
                        size=len(encoded.data))
    db.session.add(stored)
    db.session.flush()
    return stored


def configure_pillow(max_pixels: int = MAX_PIXELS) -> None:
    """Lower Pillow's process-wide decompression-bomb limit: above it Pillow warns, above twice it refuses."""
    Image.MAX_IMAGE_PIXELS = max_pixels


def file_extension(stored: StoredFile) -> str:
    """The extension the file's bytes are stored under, from its MIME type."""
    return by_mime(stored.content_type).extension


def read_file(stored: StoredFile, storage: LocalStorage) -> bytes:
    """The bytes of a photo or signature.

    Raises:
        FilePurged: the retention period deleted them (the caller answers 410 Gone, not 404: it was there).
    """
    if stored.purged_at is not None:
        raise FilePurged(stored.id)
    return storage.read(stored.sha256, file_extension(stored))
