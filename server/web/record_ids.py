"""Record ids in page addresses: a number no record can hold names nothing, and is a 404 before any query.

PostgreSQL refuses to compare an ``integer`` column with a larger number and SQLite's driver cannot send one
past 64 bits: both would be a 500. Every ``<int:…>`` in a route and every id read from a query string stop here.
"""
from __future__ import annotations

from flask import abort, request
from werkzeug.routing import IntegerConverter

from models.base import MAX_RECORD_ID


class RecordIdConverter(IntegerConverter):
    """The app's ``int`` converter: a whole number up to ``MAX_RECORD_ID``; a larger one matches no route (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,  # noqa: A002
                 signed: bool = False):
        super().__init__(map, fixed_digits, min, MAX_RECORD_ID if max is None else max, signed)


def query_id(name: str) -> int | None:
    """The record id in ``?name=``: None when absent or empty, a 404 when no record could hold it."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_RECORD_ID):
        abort(404, description="没有找到您要的内容")
    return int(raw)
