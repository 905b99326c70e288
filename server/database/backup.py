"""An online copy of a SQLite database, consistent while writes go on (SQLite's backup API)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from server.services.files.atomic import replacing


class BackupNotSupported(ValueError):
    """The database is not SQLite: PostgreSQL is backed up with its own tools (pg_dump)."""


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupNotSupported(database_url)
    return Path(url.database)


def backup_sqlite(database_url: str, target: Path, pages_per_step: int = 1024) -> int:
    """Copy the database to ``target`` page by page; writers wait only for each step. Returns the bytes written.

    The copy is one consistent snapshot: if a writer changes the source mid-copy, SQLite
    restarts the copy from that point, so what lands is the database at one instant.
    """
    source_path = sqlite_path(database_url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as partial:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=pages_per_step)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise RuntimeError("the copy failed SQLite's integrity check")
        finally:
            copy.close()
            source.close()
    return target.stat().st_size
