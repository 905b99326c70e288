#!/usr/bin/env python
"""Restart PostgreSQL while phones record visits: 503s for a few seconds, then recovery without restarting the app.

The script starts a PostgreSQL cluster of its own (initdb into a temporary folder,
a free port on 127.0.0.1, trust authentication, run as the ``postgres`` user), so
that it can stop and start it freely; the machine's shared server is not touched.
gunicorn serves the app with the production configuration; phones post visits,
each with its own UUID, and send a failed one again later, as a phone would; a
probe asks /healthz four times a second. Mid-run the cluster is stopped (``pg_ctl
stop -m fast``), left down for a few seconds and started again. Afterwards it
prints the answers by status before, during and after, second by second around
the outage, and checks: no 500 and no unanswered request, 503s only in the error
shape with Retry-After, a 2xx soon after the database is back, every visit
acknowledged with a 2xx stored once, none stored that was never sent, and the
ledger equal to a recount. Exits 1 if any of that fails. Needs root (for runuser).

    python scripts/faults/db_restart.py [--phones 12] [--seconds 60] [--restart-at 20] [--down 5]
                                        [--think 0.5] [--households 1000]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import free_port, fresh_database, gunicorn, gunicorn_workers  # noqa: E402
from scripts.bench.field_evening import prepare, verify  # noqa: E402
from scripts.faults.phones import Tally, add_phone_arguments, run_phones  # noqa: E402
from scripts.faults.report import by_second, check, column, delivery_checks, gunicorn_log, outcome_table  # noqa: E402


class PrivateCluster:
    """A throwaway PostgreSQL cluster under ``root``, run as the ``postgres`` user."""

    def __init__(self, root: Path, port: int):
        self.bin = max(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")).parent
        self.root, self.port, self.data = root, port, root / "data"
        self.admin_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _run(self, program: str, *args) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / program), *map(str, args)],
                       check=True, capture_output=True)

    def init(self) -> None:
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")

    def start(self) -> None:
        self._run("pg_ctl", "start", "-w", "-D", self.data, "-l", self.root / "postgres.log",
                  "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-m", mode, "-D", self.data)


@contextmanager
def private_cluster():
    root = Path(tempfile.mkdtemp(prefix="qiaomen-pg-"))
    shutil.chown(root, "postgres", "postgres")
    cluster = PrivateCluster(root, free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # not running, or never started
        shutil.rmtree(root, ignore_errors=True)


def probe(base: str, tally: Tally, until: float) -> None:
    """GET /healthz four times a second: the database's state as the app sees it."""
    session = requests.Session()
    while time.time() < until:
        try:
            tally.record("healthz", str(session.get(f"{base}/healthz", timeout=5).status_code))
        except requests.RequestException:
            tally.record("healthz", "reset")
        time.sleep(0.25)


def restart(cluster: PrivateCluster, down: float) -> dict[str, float]:
    moments = {"stop": time.time()}
    cluster.stop("fast")
    moments["stopped"] = time.time()
    time.sleep(down)
    moments["start"] = time.time()
    cluster.start()
    moments["ready"] = time.time()
    return moments


def report(tally: Tally, moments: dict, verified: tuple, folder: Path, same_workers: bool) -> bool:
    stop, ready = moments["stop"], moments["ready"]
    print(f"\ncluster stopped {moments['stopped'] - stop:.1f} s after `pg_ctl stop -m fast`; "
          f"`pg_ctl start` at +{moments['start'] - stop:.1f} s, accepting connections at +{ready - stop:.1f} s")
    phases = {"before": lambda t: t < stop, "during": lambda t: stop <= t < ready, "after": lambda t: t >= ready}
    print("\nanswers by phase (during = from `pg_ctl stop` until the cluster accepts connections again)")
    outcome_table({name: [o for t, _, o in tally.log if inside(t)] for name, inside in phases.items()})
    print("\nanswers second by second around the outage (seconds from `pg_ctl stop`)")
    by_second(tally.log, stop, stop - 3, ready + 6)
    unavailable = [t for t, _, o in tally.log if o == "503"]
    first_ok = min((t for t, _, o in tally.log if t >= ready and o.startswith("2")), default=None)
    fives = sum(column(o) == "other 5xx" for _, _, o in tally.log)
    unanswered = sum(column(o) == "no answer" for _, _, o in tally.log)
    stored = verified[0]
    if unavailable:
        print(f"\n503s lasted {max(unavailable) - min(unavailable):.1f} s "
              f"(first at +{min(unavailable) - stop:.1f} s, last at +{max(unavailable) - stop:.1f} s)")
    print("first 2xx after the database was back: " + (f"+{first_ok - ready:.2f} s" if first_ok else "none"))
    print(f"a 503 as a phone got it: {tally.samples.get('503', 'none')}")
    gunicorn_log(folder)
    print(f"\nvisits posted: {len(tally.attempted)}, acknowledged with 2xx: {len(tally.sent)}, stored: {stored}, "
          f"retries: {tally.retries}, left unsent at the end: {tally.unsent}")
    print("\nguarantees:")
    return all([
        check("the database outage was seen: some requests answered 503", bool(unavailable)),
        check("no 500 (nor any 5xx but 503)", fives == 0, f"{fives} seen"),
        check("every request was answered (no reset, no timeout)", unanswered == 0, f"{unanswered} unanswered"),
        check("every 503 a phone got is in the error shape, in Chinese, with Retry-After", tally.shape_ok(),
              tally.samples.get("503", "")),
        check("a 2xx within 10 s of the database accepting connections",
              first_ok is not None and first_ok - ready < 10),
        check("the app was not restarted: the same gunicorn workers served throughout", same_workers),
        *delivery_checks(tally, verified),
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_phone_arguments(parser, seconds=60, think=0.5, households=1000)
    parser.add_argument("--restart-at", type=float, default=20, help="seconds into the run when PostgreSQL stops")
    parser.add_argument("--down", type=float, default=5, help="seconds PostgreSQL stays down")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, private_cluster() as cluster, \
            fresh_database("postgresql", Path(name), admin=cluster.admin_url) as url:
        folder = Path(name)
        print(f"private PostgreSQL ({cluster.bin.parent.name}) on 127.0.0.1:{cluster.port}; seeding "
              f"{args.households} households and {args.phones} workers")
        data = prepare(url, folder, args.households, args.phones)
        tally = Tally()
        with gunicorn(url, folder) as base:
            print(f"gunicorn (production config, 2 gthread workers) at {base}; {args.phones} phones for "
                  f"{args.seconds:.0f} s; PostgreSQL stops at +{args.restart_at:.0f} s for {args.down:.0f} s")
            started = time.time()
            threads = run_phones(base, data, tally, args.seconds, args.think)
            threads.append(threading.Thread(target=probe, args=(base, tally, started + args.seconds), daemon=True))
            threads[-1].start()
            time.sleep(max(0.0, started + args.restart_at - time.time()))
            workers = gunicorn_workers()
            moments = restart(cluster, args.down)
            for thread in threads:
                thread.join()
            same_workers = gunicorn_workers() == workers
            print(f"gunicorn workers before the restart {workers}, after the run {gunicorn_workers()}")
        verified = verify(url, folder, data["campaign"], tally)
        ok = report(tally, moments, verified, folder, same_workers)
    print("\nALL GUARANTEES HELD" if ok else "\nA GUARANTEE FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
