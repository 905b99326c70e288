"""Where file bytes live: content-addressed, on local disk by default.

One small interface, so that an object store can take its place: ``put`` bytes
under their SHA-256, ``read`` them back, ``delete`` them.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from flask import current_app

from server.services.files.atomic import PARTIAL_SUFFIX, write_atomically


class LocalStorage:
    """Files under ``root/ab/cd/<sha256><ext>``; writing the same bytes twice keeps one copy."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, sha256: str, extension: str) -> Path:
        return self.root / "files" / sha256[:2] / sha256[2:4] / f"{sha256}{extension}"

    def put(self, data: bytes, extension: str) -> str:
        """Store ``data``; returns its SHA-256. Atomic: a reader never sees half a file."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self._path(sha256, extension)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data)
        return sha256

    def read(self, sha256: str, extension: str) -> bytes:
        return self._path(sha256, extension).read_bytes()

    def delete(self, sha256: str, extension: str) -> None:
        self._path(sha256, extension).unlink(missing_ok=True)

    def files(self) -> Iterator[Path]:
        """Every file stored, including leftovers of interrupted writes (``.part``)."""
        return (path for path in (self.root / "files").glob("*/*/*") if path.is_file())

    @staticmethod
    def sha256_of(path: Path) -> str | None:
        """The SHA-256 a stored file is kept under; None for the leftover of an interrupted write."""
        return None if path.name.endswith(PARTIAL_SUFFIX) else path.name.split(".")[0]


def storage() -> LocalStorage:
    """The app's file storage, built once by the app factory from ``UPLOAD_DIR``."""
    return current_app.extensions["qiaomen.storage"]
