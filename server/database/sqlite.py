"""SQLite connection settings that make it fit to serve several gunicorn workers.

Transactions are begun by SQLAlchemy, not by the driver (pysqlite's own
handling breaks SAVEPOINT). A request that may write (POST and the like)
begins ``IMMEDIATE``: it takes the write lock at its first statement, so that a
read followed by a write never fails on a snapshot another worker has moved
past. Reads, and work outside a request (CLI, tests), begin ``DEFERRED`` and
run side by side under WAL.
"""
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _on_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, far fewer fsyncs
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _on_begin(connection) -> None:
    if connection.get_execution_options().get("sqlite_deferred"):
        connection.exec_driver_sql("BEGIN")  # a side read, e.g. a cache, outside the request's write
        return
    writing = has_request_context() and request.method not in _READ_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def tune_sqlite_connections(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and transactions that work with SAVEPOINT, for every SQLite connection."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _on_connect):
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
