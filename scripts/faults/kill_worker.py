#!/usr/bin/env python
"""SIGKILL gunicorn workers while phones write visits: each retried UUID lands once, no orphan rows, files swept.

gunicorn serves the app (production configuration, several workers) on SQLite and
on PostgreSQL (a fresh database on the shared server; it is never restarted).
Phones upload a photo, then post the visit that uses it; some phones "die" right
after the upload, so that photo is never used. Meanwhile worker processes are
killed with SIGKILL at random moments; a phone whose request goes unanswered sends
the very same request again (same visit UUID, same photo), and gunicorn's master
starts a new worker. Afterwards it checks: every acknowledged visit is stored, and
once (a retry of a visit already stored is answered 200, a replay); no row has lost
its visit and no contacted visit lacks its material; every photo a visit uses is on
disk; the ledger equals a recount. Then ``flask sweep-files`` runs: with the default
grace period it keeps everything; with the uploads aged past a one-day grace it
deletes exactly the abandoned photos and keeps every photo in use.

Random kills rarely land in the last millisecond of a visit write, after its commit
and before its answer. So a second phase aims there: it posts a visit, watches the
database for its row, kills every worker the moment the row is committed, and sends
the same visit again: the retry must be answered 200, as the replay of the stored
visit, and leave one row. Exits 1 if any check fails.

    python scripts/faults/kill_worker.py [--databases sqlite,postgresql] [--phones 12] [--seconds 35]
                                         [--workers 3] [--kill-every 1.5] [--die-share 0.1] [--think 0.3]
                                         [--households 600] [--aimed-tries 40] [--aimed-hits 5]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import ROOT, fresh_database, gunicorn, gunicorn_workers, production_env  # noqa: E402
from scripts.bench.field_evening import API, prepare, verify  # noqa: E402
from scripts.faults.phones import Tally, add_phone_arguments, run_phones  # noqa: E402
from scripts.faults.report import check, column, delivery_checks, gunicorn_log  # noqa: E402
from scripts.faults.store import age_uploads, file_state, orphan_rows  # noqa: E402


def kill_workers(until: float, every: float, rng: random.Random) -> int:
    """SIGKILL one live worker at random moments (``every`` seconds apart on average) until ``until``."""
    kills = 0
    while True:
        time.sleep(rng.uniform(0.3, 1.7) * every)
        if time.time() >= until:
            return kills
        workers = gunicorn_workers()
        if workers:
            try:
                os.kill(rng.choice(workers), signal.SIGKILL)
                kills += 1
            except ProcessLookupError:
                pass  # it died on its own meanwhile


def _wait_for_workers(base: str, count: int) -> None:
    for _ in range(300):
        if len(gunicorn_workers()) >= count:
            try:
                if requests.get(f"{base}{API}/ping", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
        time.sleep(0.1)


@contextmanager
def _row_watcher(url: str):
    """A function telling whether a visit's row is committed yet, on a bare driver connection: polled in a tight
    loop, it must cost microseconds, not the ORM's tens of them."""
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    else:
        import psycopg

        conn = psycopg.connect(url, autocommit=True)
    try:
        yield lambda visit_id: conn.execute("SELECT 1 FROM visit WHERE id = " + ("?" if url.startswith("sqlite")
                                                                                    else "%s"),
                                            (visit_id,)).fetchone() is not None
    finally:
        conn.close()


def kill_after_commit(base: str, url: str, folder: Path, data: dict, tally: Tally, workers: int,
                      attempts: int, wanted: int) -> tuple[int, int, list[int]]:
    """Kill every worker the moment a visit's row is committed, before its answer; then send the visit again.

    Returns (tries, hits, the status each hit's retry got): a hit is a post left unanswered whose row was stored.
    """
    token, grid = data["workers"][0]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    tries, retried = 0, []
    with _row_watcher(url) as stored_yet:
        while tries < attempts and len(retried) < wanted:
            tries += 1
            _wait_for_workers(base, workers)
            payload = {"id": str(uuid.uuid4()), "campaign_id": data["campaign"],
                       "household_id": data["doors"][grid][tries % len(data["doors"][grid])],
                       "outcome": "not_home", "visited_at": dt.datetime.now(dt.timezone.utc).isoformat()}
            tally.attempted.add(payload["id"])
            answer: dict = {}

            def post():
                try:
                    answer["response"] = session.post(f"{base}{API}/visits", json=payload, timeout=15)
                except requests.RequestException:
                    answer["response"] = None

            pids = gunicorn_workers()  # read beforehand: at the commit there is no time to look them up
            sender = threading.Thread(target=post)
            sender.start()
            stored = False
            while sender.is_alive() and not stored:
                stored = stored_yet(payload["id"])
            if stored:
                for pid in pids:
                    os.kill(pid, signal.SIGKILL)
            sender.join()
            response = answer["response"]
            if response is not None:
                if response.ok:
                    tally.sent.add(payload["id"])
                continue  # the answer left before the kill: not the case sought
            _wait_for_workers(base, workers)
            response = session.post(f"{base}{API}/visits", json=payload, timeout=15)
            retried.append(response.status_code)
            if response.ok:
                tally.sent.add(payload["id"])
    return tries, len(retried), retried


def sweep(url: str, folder: Path, *options: str) -> str:
    """``flask sweep-files`` as an operator runs it, beside the app, with the same settings."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "sweep-files", *options], cwd=ROOT,
                          env=production_env(url, folder), capture_output=True, text=True, check=True)
    return done.stdout.strip()


def run(backend: str, args) -> bool:
    with tempfile.TemporaryDirectory() as name, fresh_database(backend, Path(name)) as url:
        folder = Path(name)
        data = prepare(url, folder, args.households, args.phones)
        tally = Tally()
        with gunicorn(url, folder, workers=args.workers, threads=4) as base:
            started = time.time()
            threads = run_phones(base, data, tally, args.seconds, args.think, die_share=args.die_share)
            kills = kill_workers(started + args.seconds, args.kill_every, random.Random(7))
            for thread in threads:
                thread.join()
            load_seconds = time.time() - started
            aimed = kill_after_commit(base, url, folder, data, tally, args.workers, args.aimed_tries, args.aimed_hits)
        visit_answers = [o for _, action, o in tally.log if action == "visit"]
        unanswered = sum(column(o) == "no answer" for _, _, o in tally.log)
        fives = sum(column(o) in ("503", "other 5xx") for _, _, o in tally.log)
        print(f"\n== {backend}: {args.phones} phones, {args.workers} gunicorn workers, {load_seconds:.0f} s ==")
        print(f"workers killed with SIGKILL: {kills}; requests interrupted (no answer): {unanswered}, "
              f"answered 5xx: {fives}; retries of the same request: {tally.retries}")
        print(f"visit posts: {visit_answers.count('201')} answered 201 (created), "
              f"{visit_answers.count('200')} answered 200 (a retry of a visit the killed worker had stored: a replay), "
              f"{sum(not o.startswith('2') for o in visit_answers)} interrupted")
        tries, hits, retry_statuses = aimed
        print(f"aimed kills: {tries} visits posted, {hits} killed after their commit and before their answer; "
              f"the retries were answered {retry_statuses}")
        log = gunicorn_log(folder, sample="was sent SIGKILL")
        verified = verify(url, folder, data["campaign"], tally)
        orphans = orphan_rows(url, folder)
        before = file_state(url, folder, tally.abandoned)
        print(f"visits posted: {len(tally.attempted)}, acknowledged: {len(tally.sent)}, stored: {verified[0]}; "
              f"photos abandoned by phones that died: {len(tally.abandoned)}")
        print("orphan rows: " + ", ".join(f"{label}: {n}" for label, n in orphans.items()))
        print(f"before the sweep: {before}")
        print(f"\n$ flask sweep-files\n{sweep(url, folder)}")
        kept = file_state(url, folder, tally.abandoned)
        age_uploads(url, folder, dt.timedelta(days=2))
        print(f"(every upload row and file aged by two days)\n$ flask sweep-files --grace-days 1\n"
              f"{sweep(url, folder, '--grace-days', '1')}")
        after = file_state(url, folder, tally.abandoned)
        print(f"after the sweep: {after}")
        print("\nguarantees:")
        return all([
            check("workers were killed while requests were in flight", kills > 0 and unanswered > 0,
                  f"{kills} kills, {unanswered} interrupted"),
            check("gunicorn's master saw every kill", log["killed"] >= kills, f"{log['killed']} in its log"),
            check("a worker killed after a visit's commit and before its answer: the retry is a 200 replay",
                  hits > 0 and all(status == 200 for status in retry_statuses), f"{retry_statuses} in {tries} tries"),
            *delivery_checks(tally, verified),
            check("no request answered 4xx or 5xx",
                  all(column(o) in ("2xx", "no answer") for _, _, o in tally.log)),
            check("no orphan rows", not any(orphans.values())),
            check("every photo a visit uses has its row and its bytes on disk, before and after the sweep",
                  before.used_missing == 0 and after.used_missing == 0 and after.used == before.used),
            check("unused uploads are exactly the abandoned photos", before.unused_ids == set(tally.abandoned)),
            check("within the grace period the sweep keeps every upload", kept.unused == before.unused),
            check("past it the sweep removes the abandoned photos' rows, their bytes and stray files",
                  after.unused == 0 and after.abandoned_bytes == 0 and after.stray == 0),
        ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    add_phone_arguments(parser, seconds=35, think=0.3, households=600)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (gthread, 4 threads each)")
    parser.add_argument("--kill-every", type=float, default=1.5, help="mean seconds between two kills")
    parser.add_argument("--die-share", type=float, default=0.1, help="share of photos whose phone dies after upload")
    parser.add_argument("--aimed-tries", type=int, default=40, help="visits posted to kill workers after the commit")
    parser.add_argument("--aimed-hits", type=int, default=5, help="stop aiming once this many kills land there")
    args = parser.parse_args()
    results = {backend: run(backend, args) for backend in args.databases.split(",")}
    ok = all(results.values())
    print("\n" + ", ".join(f"{b}: {'held' if r else 'FAILED'}" for b, r in results.items()))
    print("ALL GUARANTEES HELD" if ok else "A GUARANTEE FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
