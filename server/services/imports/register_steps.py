"""The dashboard's import of a register, step by step: upload → map columns (if needed) → preview → confirm.

Each step reads the staged upload again (``imports.staged``); the preview runs
the whole import in a savepoint rolled back, so its counts are those the
confirmed import will give, and confirming imports the same file with the same
column mapping.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from models import Area, User
from server.services.access.audit import record
from server.services.imports.column_mappings import remember_mapping, remembered_mapping
from server.services.imports.household_files import (COLUMNS, FileFormatError, Header, MissingColumns, read_header,
                                                     read_household_file)
from server.services.imports.households import (ImportRejected, ImportReport, import_households, preview_households,
                                                required_fields)
from server.services.imports.staged import StagedImport, set_staged_mapping


@dataclass
class Preview:
    """What the preview page shows: the header as read, whether columns must be mapped first, the dry run."""

    header: Header | None
    needs_mapping: bool = False
    report: ImportReport | None = None
    errors: list[str] = field(default_factory=list)
    #: The columns were read as chosen for the same header before (the page says so, and how to change it).
    remembered: bool = False


def upload_header(staged: StagedImport) -> Header:
    """The upload's header, with the mapping chosen for this upload applied.

    Raises:
        FileFormatError: the file cannot be read.
    """
    return read_header(staged.path, staged.mapping)


def _recall_mapping(staged: StagedImport, area: Area, user: User) -> StagedImport:
    """An upload with no mapping of its own takes the one remembered for its header and area, kept with the upload:
    confirming then imports exactly what the preview showed, whatever is remembered in between."""
    if staged.mapping:
        return staged
    remembered = remembered_mapping(read_header(staged.path), area)
    if not remembered:
        return staged
    set_staged_mapping(staged.token, user, remembered)
    return replace(staged, mapping=remembered, remembered=True)


def preview_upload(staged: StagedImport, area: Area, user: User) -> Preview:
    """Read the upload and import it into ``area`` in a transaction rolled back. Raises nothing: a file that
    cannot be read, or bad rows, are in ``errors``; unknown or missing columns set ``needs_mapping``."""
    try:
        staged = _recall_mapping(staged, area, user)
        header = upload_header(staged)
    except FileFormatError as bad:
        return Preview(None, errors=[str(bad)])
    if header.unknown and not staged.mapping:
        return Preview(header, needs_mapping=True)
    try:
        report = preview_households(read_household_file(staged.path, header.mapped, required_fields(area)), area)
    except MissingColumns as missing:
        return Preview(missing.header, needs_mapping=True, errors=[str(missing)])
    except FileFormatError as bad:
        return Preview(header, errors=[str(bad)])
    except ImportRejected as rejected:
        report = rejected.report
        errors = [str(e) for e in report.errors]
        if report.error_count > len(report.errors):
            errors.append(f"……另有 {report.error_count - len(report.errors)} 处错误未列出")
        return Preview(header, report=report, errors=errors)
    return Preview(header, report=report, remembered=staged.remembered)


def map_upload(staged: StagedImport, area: Area, mapping: dict[int, str | None], user: User) -> None:
    """Keep the user's column mapping for this upload and remember it for the header. Flushes.

    Raises:
        ValueError: a column or field that does not exist.
        OutOfScope: the upload is gone.
    """
    header = read_header(staged.path)
    if any(f is not None and f not in COLUMNS for f in mapping.values()):
        raise ValueError("unknown field")
    remember_mapping(header, area, mapping, user)
    set_staged_mapping(staged.token, user, mapping)


def confirm_upload(staged: StagedImport, area: Area, user: User) -> ImportReport:
    """Import the upload into ``area`` for good, audited. Flushes; the caller commits, or rolls back on a raise.

    Raises:
        FileFormatError: the file cannot be read, or its header lacks columns.
        ImportRejected: bad rows (nothing may be kept).
    """
    header = upload_header(staged)
    if header.unknown and not staged.mapping:
        raise MissingColumns("表中有未对应的列，请先选择每一列的内容", header)
    report = import_households(read_household_file(staged.path, header.mapped, required_fields(area)), area)
    record(user, "import_households", "area", area.id,
           {"file": staged.filename, "rows": report.rows, "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged, "buildings_placed": report.buildings_placed})
    return report
