"""Bulk insert at the speed of the driver: COPY on PostgreSQL, executemany on SQLite.

Used where rows come by the hundred thousand (imports, demo data). The rows are
written inside the session's transaction, so they commit or roll back with it.
Values go through each column type's bind processor, so enums and UTC
timestamps are stored exactly as the ORM would store them.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Enum, Table

from server.extensions import db


def _processor(column_type, dialect):
    """The column type's bind processor; for an enum, a lookup table of its few stored values."""
    processor = column_type._cached_bind_processor(dialect)
    if processor is not None and isinstance(column_type, Enum) and column_type.enum_class is not None:
        stored = {member: processor(member) for member in column_type.enum_class}
        stored.update({value: value for value in stored.values()})
        return stored.__getitem__
    return processor


def bulk_insert(table: Table, columns: Sequence[str], rows: Iterable[Sequence],
                constants: dict | None = None) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``) plus ``constants`` (the same for every row).

    Returns the number of rows written. Flushes the session first, so that
    rows may refer to objects it holds.
    """
    db.session.flush()
    connection = db.session.connection()
    dialect = connection.dialect
    constants = constants or {}
    names = list(columns) + list(constants)
    processors = [_processor(table.c[name].type, dialect) for name in columns]
    fixed = tuple(
        (processor(value) if processor else value)
        for name, value in constants.items()
        for processor in [table.c[name].type._cached_bind_processor(dialect)]
    )
    active = [(index, processor) for index, processor in enumerate(processors) if processor]
    if active:
        def convert(row):
            row = list(row)
            for index, processor in active:
                row[index] = processor(row[index])
            return (*row, *fixed)

        rows = map(convert, rows)
    elif fixed:
        rows = ((*row, *fixed) for row in rows)
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    cursor = connection.connection.dbapi_connection.cursor()
    count = 0
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f"COPY {dialect.identifier_preparer.format_table(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        elif dialect.name == "sqlite":
            rows = list(rows)
            placeholders = ", ".join("?" * len(names))
            cursor.executemany(f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({quoted}) "
                               f"VALUES ({placeholders})", rows)
            count = len(rows)
        else:
            raise NotImplementedError(f"bulk_insert supports PostgreSQL and SQLite, not {dialect.name}")
    finally:
        cursor.close()
    return count
