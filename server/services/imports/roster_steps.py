"""The dashboard's import of a roster: upload and preview → confirm, the upload held between the two as a
register's is (``imports.staged``).

The preview checks the uploaded file and keeps it; the confirm form carries only the upload's token, so the page
holds no phone number, and confirming reads the same file again, checked again against the database as it is
then (someone may have taken a number meanwhile).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from models import Area, RosterSheet, User
from server.services.access.audit import record
from server.services.imports.invite_sheet import keep_invite_sheet
from server.services.imports.roster import (RosterPlan, RosterRejected, RosterResult, check_roster, import_roster,
                                            read_roster)
from server.services.imports.staged import NotStaged, discard_import, get_staged, stage_import
from server.services.imports.table_files import FileFormatError, SourceRow

KIND = "roster"


def preview_roster(stream: BinaryIO, filename: str, importer: User, area: Area) -> tuple[RosterPlan, str]:
    """Keep an uploaded roster for ``importer``'s import into ``area`` and check it: the plan, and the upload's
    token for the confirm form. Writes nothing to the database; a file refused is not kept.

    Raises:
        table_files.FileFormatError: the file cannot be read as a roster.
        RosterRejected: as ``check_roster``.
    """
    try:
        token = stage_import(stream, filename, importer, area, KIND)
    except ValueError as bad:  # neither .csv nor .xlsx
        raise FileFormatError(str(bad)) from bad
    try:
        return check_roster(read_roster(get_staged(importer, token, KIND).path), area), token
    except (FileFormatError, RosterRejected):
        discard_import(token, importer, KIND)
        raise


def import_roster_for(importer: User, rows: Iterable[SourceRow], area: Area, ttl_hours: int = 72,
                      ip: str | None = None) -> tuple[RosterResult, RosterSheet]:
    """A head's or admin's roster import (``import_roster``), its invite sheet kept for them to download
    (``keep_invite_sheet``), and the import written to the audit log. Flushes.

    Raises:
        RosterRejected: as ``check_roster``; nothing was written.
    """
    result = import_roster(rows, area, ttl_hours)
    sheet = keep_invite_sheet(result.cards, area, importer, ttl_hours)
    record(importer, "import_roster", "area", area.id,
           {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "invites": len(result.cards), "sheet": sheet.id}, ip=ip)
    return result, sheet


def confirm_roster(importer: User, token: str, area: Area, ttl_hours: int = 72,
                   ip: str | None = None) -> tuple[RosterResult, RosterSheet]:
    """Import the roster a preview kept (``preview_roster``), checked again against the database as it is now,
    as ``import_roster_for``. Flushes; the caller commits, then drops the upload (``discard_roster``).

    Raises:
        NotStaged: no such upload of ``importer``'s, or one for another area; nothing was written.
        RosterRejected: as ``check_roster`` (the database changed since the preview); nothing was written.
    """
    staged = get_staged(importer, token, KIND)
    if staged.area_id != area.id:
        raise NotStaged(token)
    return import_roster_for(importer, read_roster(staged.path), area, ttl_hours, ip)


def discard_roster(token: str, importer: User) -> None:
    """Delete a kept roster upload (once imported). Raises nothing: one already gone is fine."""
    try:
        discard_import(token, importer, KIND)
    except NotStaged:
        pass
