#!/usr/bin/env python
"""Household import throughput, against a raw bulk insert of the same rows measured in the same run.

For each database and size, it builds the register rows in memory, imports them
through ``import_households`` (checks, area and building creation, idempotent
upsert), then empties the table and bulk-inserts the very same household rows
raw: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. The raw rate is the
limit; the ratio import/raw is the figure to watch (goal ≥ 0.5, and 1,000,000
households in under a minute on SQLite).

    python scripts/bench_import.py                       # 100k and 1M, SQLite and PostgreSQL
    python scripts/bench_import.py --sizes 100000 --databases sqlite
    QIAOMEN_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres python scripts/bench_import.py
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from models import Area, AreaLevel, Building, Household  # noqa: E402
from server.app import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.services.imports.household_files import SourceRow  # noqa: E402
from server.services.imports.households import import_households  # noqa: E402
from server.services.registry.areas import create_area  # noqa: E402

COLUMNS = ("building_id", "unit", "floor", "room", "label", "occupancy", "head_name", "head_phone", "token",
           "created_at", "updated_at")


def build_rows(count: int) -> list[SourceRow]:
    """A register of ``count`` households: 3,000 per community, 8 grids each, 2 units × 12 floors × 4 rooms a building."""
    street, rows = "城西街道", []
    names = ("张三", "李四", "王五", "赵六", "")
    per_building = 96
    for n in range(count):
        building_no, within = divmod(n, per_building)
        unit, rest = divmod(within, 48)
        floor, room = divmod(rest, 4)
        community = n // 3000
        rows.append(SourceRow(n + 2, {
            "street": street, "community": f"社区{community}", "grid": f"第{building_no % 8 + 1}网格",
            "building": f"{building_no}栋", "unit": str(unit + 1), "floor": str(floor + 1),
            "room": f"{floor + 1}{room + 1:02d}", "head_name": names[n % 5],
            "head_phone": f"138{n:08d}" if n % 3 else "", "occupancy": "入住" if n % 20 else "空置",
        }))
    return rows


def fresh_database(backend: str, workdir: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: [p.unlink(missing_ok=True) for p in workdir.glob(path.name + "*")]
    import psycopg

    admin = os.environ.get("QIAOMEN_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"qiaomen_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.rsplit("/", 1)[0] + "/" + name, drop


def time_import(rows: list[SourceRow]) -> float:
    district = create_area("清溪区", AreaLevel.DISTRICT)
    db.session.commit()
    gc.collect()
    gc.freeze()  # the prebuilt rows are the bench's, not the import's: keep them out of GC passes
    started = time.perf_counter()
    import_households(rows, district)
    db.session.commit()
    elapsed = time.perf_counter() - started
    gc.unfreeze()
    return elapsed


def raw_rows() -> list[tuple]:
    """The household rows exactly as the import stored them, to insert again raw."""
    table = Household.__table__
    return [tuple(r) for r in db.session.execute(select(*[table.c[c] for c in COLUMNS]).order_by(table.c.id))]


def time_raw(rows: list[tuple]) -> float:
    db.session.execute(text("DELETE FROM household"))
    db.session.commit()
    engine = db.engine
    sql_columns = ", ".join(COLUMNS)
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        if engine.dialect.name == "sqlite":
            stored = [tuple(v.replace(tzinfo=None) if hasattr(v, "tzinfo") else
                            (v.value if hasattr(v, "value") else v) for v in row) for row in rows]
            gc.collect()
            started = time.perf_counter()
            cursor.execute("BEGIN")  # one transaction, as the import has (the driver is in autocommit mode)
            cursor.executemany(f"INSERT INTO household ({sql_columns}) VALUES ({', '.join('?' * len(COLUMNS))})",
                               stored)
            conn.commit()
        else:
            stored = [tuple(v.value if hasattr(v, "value") else v for v in row) for row in rows]
            gc.collect()
            started = time.perf_counter()
            with cursor.copy(f"COPY household ({sql_columns}) FROM STDIN") as copy:
                for row in stored:
                    copy.write_row(row)
            conn.commit()
        return time.perf_counter() - started
    finally:
        conn.close()


def run(backend: str, size: int, workdir: Path) -> dict:
    url, drop = fresh_database(backend, workdir)
    try:
        app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(workdir)})
        with app.app_context():
            upgrade()
            rows = build_rows(size)
            import_seconds = time_import(rows)
            del rows
            stored = raw_rows()
            assert len(stored) == size, f"imported {len(stored)} of {size}"
            raw_seconds = time_raw(stored)
            count = db.session.scalar(select(db.func.count(Household.id)))
            assert count == size
            buildings = db.session.scalar(select(db.func.count(Building.id)))
            areas = db.session.scalar(select(db.func.count(Area.id)))
            db.session.remove()
            db.engine.dispose()
        return {"backend": backend, "rows": size, "import_s": import_seconds, "raw_s": raw_seconds,
                "buildings": buildings, "areas": areas}
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    header = f"{'database':<11}{'rows':>10}{'import s':>10}{'import rows/s':>15}{'raw s':>8}{'raw rows/s':>13}" \
             f"{'ratio':>7}  buildings/areas"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as workdir:
        for backend in args.databases.split(","):
            for size in sizes:
                r = run(backend, size, Path(workdir))
                import_rate, raw_rate = size / r["import_s"], size / r["raw_s"]
                print(f"{backend:<11}{size:>10,}{r['import_s']:>10.2f}{import_rate:>15,.0f}{r['raw_s']:>8.2f}"
                      f"{raw_rate:>13,.0f}{import_rate / raw_rate:>7.2f}  {r['buildings']}/{r['areas']}", flush=True)
    print("\nratio = import rate / raw bulk-insert rate of the same rows into the same table "
          "(executemany on SQLite, COPY on PostgreSQL); goal ≥ 0.50, and 1,000,000 rows < 60 s on SQLite.")


if __name__ == "__main__":
    main()
