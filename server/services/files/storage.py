"""Where file bytes live: content-addressed, on local disk by default.

One small interface, so that an object store can take its place: ``put`` bytes
under their SHA-256, ``read`` them back, ``delete`` them.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path


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
            partial = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
            partial.write_bytes(data)
            os.replace(partial, target)
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
        return None if path.name.endswith(".part") else path.name.split(".")[0]
