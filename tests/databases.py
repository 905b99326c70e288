"""The databases the suite runs on: SQLite always, PostgreSQL when given (and always under CI).

Each test run gets a database of its own, so that runs never collide:
a fresh SQLite file, or a fresh PostgreSQL database dropped at the end.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEFAULT_CI_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str | None:
    """Where to create per-run PostgreSQL databases, or None when that suite is off."""
    url = os.environ.get("QIAOMEN_TEST_POSTGRES_URL")
    if url:
        return url
    return DEFAULT_CI_POSTGRES if CI else None


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_admin_url() else ["sqlite"]


@dataclass
class RunDatabase:
    backend: str
    url: str
    drop: callable = None


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def create_postgres_database(label: str) -> RunDatabase:
    """Create ``qiaomen_test_<label>_<random>`` and return its URL; it is dropped by ``drop()``."""
    import psycopg
    from psycopg import sql

    admin = postgres_admin_url()
    name = f"qiaomen_test_{label}_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(_psycopg_url(admin), autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            # A test database need not survive a crash of the server: commits do not wait for the disk.
            conn.execute(sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        # Under CI, or when a URL was given, an unreachable server fails the run: it never skips.
        pytest.fail(f"PostgreSQL suite requested but {admin} is unreachable: {exc}", pytrace=False)
    base, _, _ = admin.rpartition("/")

    def drop():
        with psycopg.connect(_psycopg_url(admin), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    return RunDatabase("postgresql", f"{base}/{name}", drop)
