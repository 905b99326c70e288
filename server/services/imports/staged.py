"""A register uploaded for import, kept between the steps upload → map columns → preview → confirm.

The file is stored under the upload folder (``UPLOAD_DIR/imports/``) with a
random token for a name, beside a small JSON note of whose it is and into which
area it goes. Nothing about it is taken from the client but the token: a token
of another user is as unknown as a made-up one. The file is deleted on confirm
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

from flask import current_app

from models import User
from server.services.access.scope import OutOfScope

MAX_AGE_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
SUFFIXES = (".csv", ".xlsx")


#: What a person is told when the upload is unknown, someone else's, expired or already used.
NOT_STAGED = "没有这个上传的文件，或它已过期（上传后保留一小时），请重新上传"


@dataclass(frozen=True)
class StagedImport:
    token: str
    path: Path
    area_id: int
    filename: str
    mapping: dict[int, str | None]
    remembered: bool = False  # the mapping was recalled for this header, not chosen for this upload


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "imports"
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
    return removed


def stage_import(stream: BinaryIO, filename: str, user: User, area_id: int) -> str:
    """Keep an uploaded register for ``user``'s import into ``area_id``; returns its token.

    Raises:
        ValueError: the file is neither .csv nor .xlsx (the form checks that first).
    """
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError("只支持 .csv 和 .xlsx 文件")
    sweep_staged()
    token = secrets.token_urlsafe(24)
    folder = _folder()
    with (folder / f"{token}{suffix}").open("wb") as out:
        while chunk := stream.read(1 << 20):
            out.write(chunk)
    note = {"user_id": user.id, "area_id": area_id, "suffix": suffix, "filename": Path(filename).name[:100],
            "mapping": {}}
    (folder / f"{token}.json").write_text(json.dumps(note), encoding="utf-8")
    return token


def _note(token: str, user: User) -> dict:
    if not _TOKEN.fullmatch(token or ""):
        raise OutOfScope(token, NOT_STAGED)
    try:
        note = json.loads((_folder() / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise OutOfScope(token, NOT_STAGED) from None
    if note.get("user_id") != user.id or note.get("suffix") not in SUFFIXES:
        raise OutOfScope(token, NOT_STAGED)
    return note


def get_staged(user: User, token: str) -> StagedImport:
    """The upload ``token`` names, if it is ``user``'s and still kept.

    Raises:
        OutOfScope: no such upload for this user (unknown, someone else's, expired or used).
    """
    note = _note(token, user)
    path = _folder() / f"{token}{note['suffix']}"
    if not path.is_file():
        raise OutOfScope(token, NOT_STAGED)
    mapping = {int(k): v for k, v in note.get("mapping", {}).items()}
    return StagedImport(token, path, int(note["area_id"]), note.get("filename", ""), mapping)


def set_staged_mapping(token: str, user: User, mapping: dict[int, str | None]) -> None:
    """Keep the column mapping the user chose for this upload.

    Raises:
        OutOfScope: no such upload for this user (unknown, someone else's, expired or used).
    """
    note = _note(token, user)
    note["mapping"] = {str(k): v for k, v in mapping.items()}
    (_folder() / f"{token}.json").write_text(json.dumps(note), encoding="utf-8")


def discard_import(token: str, user: User) -> None:
    """Delete the upload (after confirm or cancel).

    Raises:
        OutOfScope: no such upload for this user (unknown, someone else's, expired or used).
    """
    note = _note(token, user)
    folder = _folder()
    (folder / f"{token}{note['suffix']}").unlink(missing_ok=True)
    (folder / f"{token}.json").unlink(missing_ok=True)
