#!/usr/bin/env python
"""Bulk work at scale, each task in a fresh process so that its peak memory is its own.

- import: 100,000 and 1,000,000 households streamed into an empty database;
- rebuild-ledger: cities of 100,000 and 1,000,000 households, 40 % visited;
- export: the 台账 of 10,000 and of 100,000 households to Excel;
- labels: 1,000 and 10,000 door labels to PDF.

Each row gives seconds, rows/s and peak memory; comparing the small and the
large run of a task shows whether memory grows with the rows.
Goals: memory that does not grow with the rows; the export at ≥ 20,000 rows/s.

    python scripts/bench/bulk.py [--database postgresql|sqlite] [--large 1000000] [--tasks import,rebuild,export,labels]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import ROOT, app_for, fresh_database  # noqa: E402


def _peak_mb() -> float:
    """This process's own peak resident memory (VmHWM): unlike ru_maxrss, it is not inherited across fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def task_import(url: str, folder: str, rows: int) -> dict:
    from models import AreaLevel
    from server.extensions import db
    from server.services.imports.household_files import SourceRow
    from server.services.imports.households import import_households
    from server.services.registry.areas import create_area

    def register():  # generated as a file is read: one row at a time
        for n in range(rows):
            building, within = divmod(n, 96)
            unit, rest = divmod(within, 48)
            floor, room = divmod(rest, 4)
            yield SourceRow(n + 2, {"street": f"街道{n // 24000}", "community": f"社区{n // 3000}",
                                    "grid": f"第{building % 8 + 1}网格", "building": f"{building}栋",
                                    "unit": str(unit + 1), "floor": str(floor + 1), "room": f"{floor + 1}{room + 1:02d}",
                                    "head_name": "张三", "head_phone": "", "occupancy": "入住"})

    with app_for(url, Path(folder)).app_context():
        district = create_area("清溪区", AreaLevel.DISTRICT)
        db.session.commit()
        base = _peak_mb()
        started = time.perf_counter()
        report = import_households(register(), district)
        db.session.commit()
        return {"rows": report.created, "seconds": time.perf_counter() - started, "base_mb": base}


def task_rebuild(url: str, folder: str, rows: int) -> dict:
    from models import Campaign
    from server.extensions import db
    from server.services.ledger.rebuild import rebuild_ledger

    with app_for(url, Path(folder)).app_context():
        campaign = db.session.get(Campaign, 1)
        base = _peak_mb()
        started = time.perf_counter()
        drift = rebuild_ledger(campaign)
        db.session.commit()
        return {"rows": rows, "seconds": time.perf_counter() - started, "base_mb": base,
                "note": f"{drift.progress_rows_fixed} progress rows, {len(drift.rollups_fixed)} roll-ups fixed"}


def task_export(url: str, folder: str, rows: int) -> dict:
    from models import Area, Campaign
    from server.extensions import db
    from server.services.reports.ledger_export import export_ledger

    with app_for(url, Path(folder)).app_context():
        campaign, district = db.session.get(Campaign, 1), db.session.get(Area, 1)
        base = _peak_mb()
        started = time.perf_counter()
        summary = export_ledger(campaign, district, f"{folder}/ledger-{rows}.xlsx", "https://qiaomen.example.gov.cn")
        return {"rows": summary.rows, "seconds": time.perf_counter() - started, "base_mb": base}


def task_labels(url: str, folder: str, rows: int) -> dict:
    from models import Area
    from server.extensions import db
    from server.services.registry.font import cjk_font
    from server.services.registry.labels import LabelRow, label_rows, write_labels

    with app_for(url, Path(folder)).app_context():
        font = cjk_font()
        district = db.session.get(Area, 1)
        base = _peak_mb()
        started = time.perf_counter()
        result = db.session.execute(label_rows(district).limit(rows).execution_options(yield_per=2000))
        written = write_labels((LabelRow(*r) for r in result), f"{folder}/labels-{rows}.pdf",
                               "https://qiaomen.example.gov.cn", font)
        return {"rows": written, "seconds": time.perf_counter() - started, "base_mb": base}


TASKS = {"import": task_import, "rebuild": task_rebuild, "export": task_export, "labels": task_labels}


def child(task: str, url: str, folder: str, rows: int) -> None:
    result = TASKS[task](url, folder, rows)
    result["peak_mb"] = _peak_mb()
    print("RESULT " + json.dumps(result))


def spawn(task: str, url: str, folder: str, rows: int) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", task, url, folder, str(rows)], cwd=ROOT,
                            capture_output=True, text=True)
    line = next((l for l in output.stdout.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"{task} {rows} failed:\n{output.stderr[-3000:]}")
    return json.loads(line[7:])


def seeded_city(url: str, folder: str, households: int, visited: float = 0.4) -> None:
    from flask_migrate import upgrade

    from scripts.bench.ledger_scale import seed_visits
    from server.extensions import db
    from server.services.demo.city import seed_demo_city

    with app_for(url, Path(folder)).app_context():
        upgrade()
        city = seed_demo_city(households=households, seed=3)
        db.session.commit()
        seed_visits(city.campaign, visited, random.Random(3))
        db.session.remove()
        db.engine.dispose()


def migrated(url: str, folder: str) -> None:
    from flask_migrate import upgrade

    from server.extensions import db

    with app_for(url, Path(folder)).app_context():
        upgrade()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgresql")
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--tasks", default="import,rebuild,export,labels", help="comma-separated, of " + ",".join(TASKS))
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], args.child[1], args.child[2], int(args.child[3]))
    plan = []  # (task, rows, how to prepare the database)
    large, export_large = args.large, args.large // 10
    plan += [("import", large // 10, "empty"), ("import", large, "empty")]
    plan += [("rebuild", large // 10, ("city", large // 10)), ("rebuild", large, ("city", large))]
    plan += [("export", export_large // 10, ("city", export_large // 10)), ("export", export_large, ("city", export_large))]
    plan += [("labels", 1000, ("city", 10_000)), ("labels", 10_000, ("city", 10_000))]
    wanted = set(args.tasks.split(","))
    plan = [step for step in plan if step[0] in wanted]
    print(f"{'task':<10}{'rows':>11}{'seconds':>9}{'rows/s':>10}{'peak MB':>9}{'growth MB':>11}  note")
    for task, rows, prepare in plan:
        with tempfile.TemporaryDirectory() as folder, fresh_database(args.database, Path(folder)) as url:
            if prepare == "empty":
                migrated(url, folder)
            else:
                seeded_city(url, folder, prepare[1])
            r = spawn(task, url, folder, rows)
        print(f"{task:<10}{r['rows']:>11,}{r['seconds']:>9.1f}{r['rows'] / r['seconds']:>10,.0f}{r['peak_mb']:>9.0f}"
              f"{r['peak_mb'] - r['base_mb']:>11.1f}  {r.get('note', '')}", flush=True)
    print("\ngrowth MB = peak while working minus peak before it; compare the small and the large run of each task."
          "\nGoals: growth that does not rise with the rows; export ≥ 20,000 rows/s.")


if __name__ == "__main__":
    main()
