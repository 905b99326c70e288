"""A table uploaded for import, kept between its preview and its confirmation: a register (upload → map columns
→ preview → confirm) or a roster (upload and preview → confirm), the one way both pages hold a file.

The file is stored under the upload folder (``UPLOAD_DIR/imports/``) with a
random token for a name, beside a small JSON note of whose it is, what kind of
table, and into which area it goes. Nothing about it is taken from the client but the token: a token
of another user is as unknown as a made-up one. A user imports only into an area
they see (``may_import_into``), checked when the file is kept and at every step. The file is deleted on confirm
or cancel, and any left behind is deleted an hour after it was uploaded (at the
next upload).
"""
from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from models import Area, User
from server.extensions import db
from server.services.access.scope import OutOfScope, area_in_scope
from server.services.files.atomic import PARTIAL_SUFFIX, atomic_open, write_atomically
from server.services.files.storage import storage

MAX_AGE_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
SUFFIXES = (".csv", ".xlsx")


#: What a person is told when the upload is unknown, someone else's, expired or already used.
NOT_STAGED = "没有这个上传的文件，或它已过期（上传后保留一小时），请重新上传"


class NotStaged(OutOfScope):
    """No such upload for this user: unknown, someone else's, another kind, expired or already used (a 404)."""

    def __init__(self, token=None):
        super().__init__(token, NOT_STAGED)


@dataclass(frozen=True)
class StagedImport:
    token: str
    path: Path
    area_id: int
    filename: str
    mapping: dict[int, str | None]
    area: Area  # the area ``area_id`` names, in the user's scope
    remembered: bool = False  # the mapping was recalled for this header, not chosen for this upload


def _folder() -> Path:
    folder = storage().root / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sweep_staged(now: float | None = None) -> int:
    """Delete uploads older than an hour; returns how many. Raises nothing (a file gone meanwhile is fine)."""
    cutoff, removed = (now or time.time()) - MAX_AGE_SECONDS, 0
    for note in _folder().glob("*.json"):
        try:
            if note.stat().st_mtime < cutoff:
                for suffix in SUFFIXES:
                    note.with_suffix(suffix).unlink(missing_ok=True)
                note.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    for leftover in _folder().glob(f"*{PARTIAL_SUFFIX}"):  # of a write interrupted midway
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
        except OSError:
            continue
    return removed


def may_import_into(user: User, area: Area) -> bool:
    """A user imports a register into an area at or beneath one of their own, and nowhere else."""
    return area_in_scope(user, area)


def stage_import(stream: BinaryIO, filename: str, user: User, area: Area, kind: str = "register") -> str:
    """Keep an uploaded table of ``kind`` (register or roster) for ``user``'s import into ``area``; returns its
    token.

    Raises:
        OutOfScope: ``user`` may not import into ``area`` (``may_import_into``).
        ValueError: the file is neither .csv nor .xlsx (the form checks that first).
    """
    if not may_import_into(user, area):
        raise OutOfScope(area.id)
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError("只支持 .csv 和 .xlsx 文件")
    sweep_staged()
    token = secrets.token_urlsafe(24)
    folder = _folder()
    with atomic_open(folder / f"{token}{suffix}") as out:
        while chunk := stream.read(1 << 20):
            out.write(chunk)
    note = {"user_id": user.id, "kind": kind, "area_id": area.id, "suffix": suffix,
            "filename": Path(filename).name[:100], "mapping": {}}
    write_atomically(folder / f"{token}.json", json.dumps(note))
    return token


def _note(token: str, user: User, kind: str = "register") -> dict:
    if not _TOKEN.fullmatch(token or ""):
        raise NotStaged(token)
    try:
        note = json.loads((_folder() / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotStaged(token) from None
    if note.get("user_id") != user.id or note.get("kind", "register") != kind or note.get("suffix") not in SUFFIXES:
        raise NotStaged(token)
    return note


def get_staged(user: User, token: str, kind: str = "register") -> StagedImport:
    """The upload ``token`` names, if it is ``user``'s, of ``kind``, still kept, and for an area ``user`` may still
    import into.

    Raises:
        NotStaged: no such upload for this user, or its area is no longer theirs (or no longer exists).
    """
    note = _note(token, user, kind)
    path = _folder() / f"{token}{note['suffix']}"
    if not path.is_file():
        raise NotStaged(token)
    area = db.session.get(Area, int(note["area_id"]))
    if area is None or not may_import_into(user, area):
        raise NotStaged(token)
    mapping = {int(k): v for k, v in note.get("mapping", {}).items()}
    return StagedImport(token, path, area.id, note.get("filename", ""), mapping, area)


def set_staged_mapping(token: str, user: User, mapping: dict[int, str | None]) -> None:
    """Keep the column mapping the user chose for this upload.

    Raises:
        NotStaged: no such upload for this user.
    """
    note = _note(token, user)
    note["mapping"] = {str(k): v for k, v in mapping.items()}
    write_atomically(_folder() / f"{token}.json", json.dumps(note))


def discard_import(token: str, user: User, kind: str = "register") -> None:
    """Delete the upload (after confirm or cancel).

    Raises:
        NotStaged: no such upload of ``kind`` for this user.
    """
    note = _note(token, user, kind)
    folder = _folder()
    (folder / f"{token}{note['suffix']}").unlink(missing_ok=True)
    (folder / f"{token}.json").unlink(missing_ok=True)
