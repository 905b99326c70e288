#!/usr/bin/env python
"""Door-label PDF throughput and peak memory, beside the bare ``qrcode`` generation rate of the same run.

It seeds a demo city of 10,000 households in a temporary SQLite database, then,
each in a fresh process so that peak memory is its own, streams 1,000 and 10,000
labels from the database into an A4 PDF. The baseline is ``qrcode`` alone,
making the codes' matrices with the library's defaults (best version and mask
searched per code), measured in this run. Goals: ≥ 300 labels/s, and peak
memory that does not grow with the number of labels.

    python scripts/bench_labels.py [--sizes 1000,10000]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASE_URL = "https://qiaomen.example.gov.cn"


def bare_qrcode_rate(count: int = 500) -> float:
    import qrcode

    started = time.perf_counter()
    for n in range(count):
        code = qrcode.QRCode()
        code.add_data(f"{BASE_URL}/q/AbCdEfGhIjKl{n:04d}")
        code.make(fit=True)
        code.get_matrix()
    return count / (time.perf_counter() - started)


def _app(url: str):
    from server.app import create_app

    return create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "PUBLIC_BASE_URL": BASE_URL})


def seed(url: str, households: int) -> None:
    from flask_migrate import upgrade

    from server.extensions import db
    from server.services.demo.city import seed_demo_city

    with _app(url).app_context():
        upgrade()
        seed_demo_city(households=households, seed=3)
        db.session.commit()


def _high_water_kb() -> int:
    """Peak resident memory of this process alone (VmHWM; ru_maxrss would carry the parent's over fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(url: str, count: int, output: str) -> None:
    """Stream ``count`` labels from the database into ``output``; print rate and peak memory as JSON."""
    from models import Area, AreaLevel
    from server.extensions import db
    from server.services.registry.font import cjk_font
    from server.services.registry.labels import LabelRow, label_rows, write_labels

    with _app(url).app_context():
        font = cjk_font()
        district = db.session.scalar(db.select(Area).where(Area.level == AreaLevel.DISTRICT))
        baseline_kb = _high_water_kb()
        started = time.perf_counter()
        rows = (LabelRow(*r) for r in db.session.execute(label_rows(district).limit(count)
                                                          .execution_options(yield_per=2000)))
        written = write_labels(rows, output, BASE_URL, font)
        elapsed = time.perf_counter() - started
    peak_kb = _high_water_kb()
    print(json.dumps({"labels": written, "seconds": elapsed, "peak_mb": peak_kb / 1024,
                      "growth_mb": (peak_kb - baseline_kb) / 1024, "bytes": os.path.getsize(output)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--child", nargs=3, metavar=("URL", "COUNT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], int(args.child[1]), args.child[2])
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{workdir}/labels.db"
        print(f"seeding {max(sizes):,} households …", flush=True)
        seed(url, max(sizes))
        bare = bare_qrcode_rate()
        print(f"\n{'labels':>8}{'seconds':>9}{'labels/s':>10}{'vs bare qrcode':>16}{'peak MB':>9}"
              f"{'growth MB':>11}{'PDF MB':>8}")
        for size in sizes:
            output = f"{workdir}/labels-{size}.pdf"
            result = subprocess.run([sys.executable, __file__, "--child", url, str(size), output],
                                    capture_output=True, text=True, check=True, cwd=ROOT)
            r = json.loads(result.stdout.strip().splitlines()[-1])
            rate = r["labels"] / r["seconds"]
            print(f"{r['labels']:>8,}{r['seconds']:>9.2f}{rate:>10,.0f}{rate / bare:>15.2f}×{r['peak_mb']:>9.0f}"
                  f"{r['growth_mb']:>11.1f}{r['bytes'] / 2**20:>8.1f}", flush=True)
        print(f"\nbare qrcode (library defaults, matrix only): {bare:,.0f} codes/s in this run.")
        print("growth MB = peak memory while writing minus peak before; goal ≥ 300 labels/s, flat growth.")


if __name__ == "__main__":
    main()
