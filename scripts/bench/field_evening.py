#!/usr/bin/env python
"""A field evening as a load test: hundreds of workers knocking, dozens of heads watching, over real HTTP.

Each simulated worker walks their grid: scans a door, uploads a photo, records
the visit, and now and then sends an offline batch that includes replays of
visits already sent. Alongside them, heads refresh the dashboard. After the
run it checks that the server holds exactly the visits sent (none doubled,
none lost) and that the ledger equals a recount from the rows.

    python scripts/bench/field_evening.py [--database postgresql|sqlite] [--workers 300] [--heads 50]
                                          [--minutes 10] [--think 5] [--households 20000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import requests
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import app_for, fresh_database, gunicorn  # noqa: E402

API = "/api/mp/v1"
HEAD_PASSWORD = "bench-head-password"


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)
        self.sent: set[str] = set()       # acknowledged by the server (created or duplicate)
        self.attempted: set[str] = set()  # every id a phone sent

    def timed(self, action: str, call):
        started = time.perf_counter()
        try:
            response = call()
            ok = response.status_code < 300
        except requests.RequestException:
            response, ok = None, False
        with self.lock:
            self.latency[action].append((time.perf_counter() - started) * 1000)
            if not ok:
                self.errors[action] += 1
        return response if ok else None


def prepare(url: str, folder: Path, households: int, workers: int) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from models import AreaLevel, Building, Household, Role, User
    from server.extensions import db
    from server.services.access.accounts import create_user, set_password
    from server.services.access.sessions import api_token
    from server.services.demo.city import seed_demo_city
    from server.services.registry.areas import areas_under

    app = app_for(url, folder)
    with app.app_context():
        upgrade()
        city = seed_demo_city(households=households, seed=9)
        db.session.commit()
        grids = db.session.scalars(areas_under(city.district, AreaLevel.GRID)).all()
        doors = defaultdict(list)
        for household_id, grid_id in db.session.execute(select(Household.id, Building.grid_id).join(Building)):
            doors[grid_id].append(household_id)
        tokens = {h: t for h, t in db.session.execute(select(Household.id, Household.token))}
        people = []
        for n in range(workers):
            grid = grids[n % len(grids)]
            user = create_user(f"网格员{n}", Role.GRID_WORKER, [grid], username=f"evening{n}").user
            people.append((user, grid.id))
        heads = db.session.scalars(select(User).where(User.role == Role.COMMUNITY_HEAD)).all()
        for head in heads:  # the demo's public password is refused by the production server under test
            set_password(head, HEAD_PASSWORD)
        workers = [(api_token(app.config, user=u)[0], grid_id) for u, grid_id in people]
        db.session.commit()
        return {"campaign": city.campaign.id, "password": HEAD_PASSWORD, "heads": [h.username for h in heads],
                "workers": workers, "doors": doors, "tokens": tokens}


def photo(rng: random.Random) -> bytes:
    image = Image.new("RGB", (640, 480), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def worker_loop(base, token, doors, tokens, campaign, until, think, recorder, seed):
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    route = doors[:]
    rng.shuffle(route)
    sent: list[dict] = []
    step = 0
    while time.time() < until:
        household = route[step % len(route)]
        step += 1
        recorder.timed("scan", lambda: session.get(f"{base}{API}/households/by-qr/{tokens[household]}", timeout=60))
        outcome = "contacted" if rng.random() < 0.7 else "not_home"
        visit = {"id": str(uuid.uuid4()), "campaign_id": campaign, "household_id": household, "outcome": outcome,
                 "visited_at": dt.datetime.now(dt.timezone.utc).isoformat(), "materials": []}
        with recorder.lock:
            recorder.attempted.add(visit["id"])
        if outcome == "contacted":
            uploaded = recorder.timed("upload", lambda: session.post(
                f"{base}{API}/files", data={"kind": "photo"}, files={"file": ("p.jpg", photo(rng), "image/jpeg")},
                timeout=60))
            visit["materials"] = [{"code": "notice", "quantity": 1}]
            if uploaded is not None:
                visit["photo_file_id"] = uploaded.json()["id"]
        if rng.random() < 0.1 and sent:
            batch = [visit] + rng.sample(sent, min(2, len(sent)))  # an offline batch with replays
            response = recorder.timed("sync", lambda: session.post(f"{base}{API}/sync", json={"visits": batch},
                                                                   timeout=120))
            if response is not None and response.json()["results"][0]["status"] in ("created", "duplicate"):
                with recorder.lock:
                    recorder.sent.add(visit["id"])
        else:
            response = recorder.timed("visit", lambda: session.post(f"{base}{API}/visits", json=visit, timeout=60))
            if response is not None:
                with recorder.lock:
                    recorder.sent.add(visit["id"])
        sent.append(visit)
        time.sleep(rng.uniform(0.5, 1.5) * think)


def head_loop(base, username, password, until, think, recorder, seed):
    rng = random.Random(seed)
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=60).text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    session.post(f"{base}/login", data={"username": username, "password": password, "csrf_token": csrf}, timeout=60)
    while time.time() < until:
        recorder.timed("dashboard", lambda: session.get(f"{base}/dashboard/", timeout=60))
        time.sleep(rng.uniform(0.5, 1.5) * think * 2)


def verify(url: str, folder: Path, campaign_id: int, recorder: Recorder) -> tuple[int, int, int, bool]:
    from sqlalchemy import select

    from models import Campaign, Visit
    from server.extensions import db
    from server.services.ledger.rebuild import rebuild_ledger

    with app_for(url, folder).app_context():
        stored = set(db.session.scalars(select(Visit.id)))
        drift = rebuild_ledger(db.session.get(Campaign, campaign_id))
        db.session.rollback()
        lost = len(recorder.sent - stored)          # acknowledged, yet not stored
        phantom = len(stored - recorder.attempted)  # stored, yet never sent
        return len(stored), lost, phantom, not drift.progress_rows_fixed and not drift.rollups_fixed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgresql")
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--heads", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--think", type=float, default=5, help="seconds between one worker's doors")
    parser.add_argument("--households", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, fresh_database(args.database, Path(name)) as url:
        folder = Path(name)
        data = prepare(url, folder, args.households, args.workers)
        recorder = Recorder()
        with gunicorn(url, folder) as base:
            until = time.time() + args.minutes * 60
            threads = [threading.Thread(target=worker_loop, daemon=True, args=(
                base, token, data["doors"][grid], data["tokens"], data["campaign"], until, args.think, recorder, n))
                for n, (token, grid) in enumerate(data["workers"])]
            threads += [threading.Thread(target=head_loop, daemon=True, args=(
                base, data["heads"][n % len(data["heads"])], data["password"], until, args.think, recorder, 1000 + n))
                for n in range(args.heads)]
            started = time.time()
            for thread in threads:
                thread.start()
                time.sleep(0.01)
            for thread in threads:
                thread.join(timeout=args.minutes * 60 + 300)
            elapsed = time.time() - started
        stored, lost, phantom, ledger_ok = verify(url, folder, data["campaign"], recorder)
    total = sum(len(v) for v in recorder.latency.values())
    print(f"\n{args.database}: {args.workers} workers, {args.heads} heads, {elapsed / 60:.1f} min, "
          f"{total / elapsed:,.1f} requests/s in all")
    print(f"{'action':<11}{'count':>8}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for action, samples in sorted(recorder.latency.items()):
        samples.sort()
        pick = lambda q: samples[min(len(samples) - 1, int(len(samples) * q))]  # noqa: E731
        print(f"{action:<11}{len(samples):>8}{len(samples) / elapsed:>8.1f}{statistics.median(samples):>9.0f}"
              f"{pick(0.95):>9.0f}{pick(0.99):>9.0f}{recorder.errors[action]:>8}")
    print(f"\nvisits sent: {len(recorder.attempted)}, acknowledged: {len(recorder.sent)}, stored: {stored} "
          f"(ids are primary keys: a duplicate cannot be stored); acknowledged but lost: {lost}; "
          f"stored but never sent: {phantom}; ledger equals a recount: {ledger_ok}")


if __name__ == "__main__":
    main()
