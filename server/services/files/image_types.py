"""The image types Qiaomen reads, stores and serves: one row each for the format name, MIME type, file extension
and the bytes a file of that type starts with."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageType:
    format: str      # as Pillow names it (``Image.format``)
    mime: str
    extension: str   # of the stored file
    magic: tuple[tuple[int, bytes], ...]  # (offset, bytes) every such file holds near its start

    def starts(self, data: bytes) -> bool:
        """Whether ``data`` begins as a file of this type does."""
        return all(data[offset:offset + len(part)] == part for offset, part in self.magic)


JPEG = ImageType("JPEG", "image/jpeg", ".jpg", ((0, b"\xff\xd8\xff"),))
PNG = ImageType("PNG", "image/png", ".png", ((0, b"\x89PNG\r\n\x1a\n"),))
WEBP = ImageType("WEBP", "image/webp", ".webp", ((0, b"RIFF"), (8, b"WEBP")))  # RIFF, 4 bytes of length, WEBP
IMAGE_TYPES = (JPEG, PNG, WEBP)


def by_mime(content_type: str | None) -> ImageType | None:
    """The type of a MIME type (parameters such as ``; charset`` ignored), or None for one not listed."""
    mime = (content_type or "").split(";")[0].strip().lower()
    return next((kind for kind in IMAGE_TYPES if kind.mime == mime), None)


def by_format(name: str | None) -> ImageType | None:
    """The type of a Pillow format name, or None for one not listed."""
    return next((kind for kind in IMAGE_TYPES if kind.format == name), None)


def sniff(data: bytes) -> ImageType | None:
    """The type ``data`` starts as, or None."""
    return next((kind for kind in IMAGE_TYPES if kind.starts(data)), None)
