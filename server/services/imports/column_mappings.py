"""Column mappings of register headers, remembered per area: a header mapped once for an area has its unknown columns
read the same way the next time a file is imported there. Columns the header names in words the import knows are
never changed by a remembered mapping."""
from __future__ import annotations

import json

from models import Area, ColumnMapping, User
from server.extensions import db
from server.services.imports.household_files import COLUMNS, Header


def remembered_mapping(header: Header, area: Area) -> dict[int, str | None]:
    """The mapping last chosen for a header like this one (same normalised names) imported into ``area``, for the
    columns the header does not name in known words; or {}. Raises nothing."""
    stored = db.session.get(ColumnMapping, (area.id, header.key))
    if stored is None:
        return {}
    try:
        mapping = {int(k): v for k, v in json.loads(stored.mapping).items()}
    except (ValueError, AttributeError):
        return {}
    return {k: v for k, v in mapping.items()
            if 0 <= k < len(header.names) and header.fields[k] is None and (v is None or v in COLUMNS)}


def remember_mapping(header: Header, area: Area, mapping: dict[int, str | None], user: User | None) -> None:
    """Store ``mapping`` (column index → field, None to ignore) for headers like ``header`` imported into ``area``;
    flushes.

    Raises:
        ValueError: a field that does not exist or a column the header does not have.
    """
    for index, field in mapping.items():
        if not 0 <= index < len(header.names) or (field is not None and field not in COLUMNS):
            raise ValueError(f"column {index} → {field}")
    stored = db.session.get(ColumnMapping, (area.id, header.key))
    if stored is None:
        stored = ColumnMapping(area_id=area.id, header_key=header.key)
        db.session.add(stored)
    stored.mapping = json.dumps({str(k): v for k, v in sorted(mapping.items())})
    stored.updated_by_id = user.id if user is not None else None
    db.session.flush()
