#!/usr/bin/env python
"""The ledger at scale: 10,000 / 100,000 / 1,000,000 households, against a naive GROUP BY in the same run.

For each size it seeds a demo city, records visits for a realistic share of the
households (40 % visited, two thirds of them contacted, half of those pledged)
in bulk, rebuilds the ledger from those rows, then times the ledger read
(``ledger_view``, the service behind ``GET /ledger``) of a community, a street
and the whole city, and beside it the naive query a simple implementation
would run: a GROUP BY over the household and visit rows beneath the area.

Goals: ledger time flat from 10k to 1M; p95 under 20 ms at 1M on PostgreSQL;
at least 50× faster than the naive query at 1M.

    python scripts/bench/ledger_scale.py [--sizes 10000,100000,1000000] [--databases postgresql,sqlite]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import app_for, fresh_database  # noqa: E402


def seed_visits(campaign, share: float, rng: random.Random) -> int:
    """Bulk visits and pledges for ``share`` of the households, then the ledger rebuilt from them."""
    from sqlalchemy import select

    from models import FileKind, Household, Outcome, Pledge, PledgeChannel, Relation, Role, StoredFile, User, Visit
    from server.database.bulk import bulk_insert
    from server.extensions import db
    from server.services.ledger.rebuild import rebuild_ledger

    worker = db.session.scalars(select(User).where(User.role == Role.GRID_WORKER)).first()
    signature = StoredFile(id=uuid.uuid4().hex, owner_id=worker.id, kind=FileKind.SIGNATURE, sha256="0" * 64,
                           content_type="image/png", width=10, height=10, size=1)
    db.session.add(signature)
    db.session.flush()
    text = campaign.current_pledge_text
    ids = db.session.scalars(select(Household.id)).all()
    chosen = rng.sample(ids, int(len(ids) * share))
    now = dt.datetime.now(dt.timezone.utc)
    visits, pledges = [], []
    for n, household_id in enumerate(chosen):
        outcome = Outcome.CONTACTED if rng.random() < 0.67 else Outcome.NOT_HOME
        visit_id = str(uuid.uuid4())
        moment = now - dt.timedelta(minutes=rng.randrange(14 * 24 * 60))
        visits.append((visit_id, campaign.id, household_id, worker.id, outcome, moment, moment, None, "", "{}"))
        if outcome is Outcome.CONTACTED and rng.random() < 0.5:
            pledges.append((str(uuid.uuid4()), campaign.id, household_id, text.id, visit_id, PledgeChannel.WORKER_VISIT,
                            "张三", Relation.HOUSEHOLDER, signature.id, moment, len(pledges) + 1, None,
                            uuid.uuid4().hex + uuid.uuid4().hex, f"{len(pledges):08X}", None, None, False))
    bulk_insert(Visit.__table__, ("id", "campaign_id", "household_id", "worker_id", "outcome", "visited_at",
                                  "received_at", "photo_file_id", "request_sha256", "progress_json"), visits)
    bulk_insert(Pledge.__table__, ("id", "campaign_id", "household_id", "pledge_text_id", "visit_id", "channel",
                                   "signer_name", "relation", "signature_file_id", "signed_at", "seq",
                                   "previous_sha256", "content_sha256", "code", "form_key", "consent_version",
                                   "needs_review"), pledges)
    rebuild_ledger(campaign)
    db.session.commit()
    return len(visits)


def naive(campaign, area):
    """What a simple implementation does: count over the household and visit rows beneath the area."""
    from sqlalchemy import case, distinct, func, select

    from models import Building, Household, Pledge, Visit
    from server.extensions import db
    from server.services.registry.areas import grid_ids_under

    contacted = case((Visit.outcome == "contacted", Visit.household_id))
    return db.session.execute(
        select(func.count(distinct(Household.id)), func.count(distinct(Visit.household_id)),
               func.count(distinct(contacted)), func.count(distinct(Pledge.household_id)))
        .select_from(Household).join(Building, Household.building_id == Building.id)
        .outerjoin(Visit, (Visit.household_id == Household.id) & (Visit.campaign_id == campaign.id))
        .outerjoin(Pledge, (Pledge.household_id == Household.id) & (Pledge.campaign_id == campaign.id))
        .where(Building.grid_id.in_(grid_ids_under(area)))).one()


def timed(function, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def run(backend: str, size: int) -> list[dict]:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from models import Area, AreaLevel
    from server.extensions import db
    from server.services.demo.city import seed_demo_city
    from server.services.ledger.counters import ledger_view

    with tempfile.TemporaryDirectory() as folder, fresh_database(backend, Path(folder)) as url:
        app = app_for(url, Path(folder))
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            city = seed_demo_city(households=size, seed=11)
            db.session.commit()
            visits = seed_visits(city.campaign, 0.4, random.Random(11))
            seeded = time.perf_counter() - started
            campaign = city.campaign
            areas = {"community": db.session.scalars(select(Area).where(Area.level == AreaLevel.COMMUNITY)).first(),
                     "street": db.session.scalars(select(Area).where(Area.level == AreaLevel.STREET)).first(),
                     "city": city.district}
            rows = []
            for name, area in areas.items():
                ledger_view(campaign, area)  # warm
                p50, p95 = timed(lambda: (ledger_view(campaign, area), db.session.rollback()), 200)
                naive_repeat = 3 if size >= 1_000_000 else 10
                n50, _ = timed(lambda: (naive(campaign, area), db.session.rollback()), naive_repeat)
                rows.append({"backend": backend, "households": size, "area": name, "p50": p50, "p95": p95,
                             "naive": n50, "visits": visits, "seeded_s": seeded})
            db.session.remove()
            db.engine.dispose()
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--databases", default="postgresql")
    args = parser.parse_args()
    print(f"{'database':<11}{'households':>11}{'area':>11}{'ledger p50 ms':>15}{'p95 ms':>9}{'naive ms':>11}"
          f"{'naive ÷ ledger':>16}")
    for backend in args.databases.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            for r in run(backend, size):
                print(f"{r['backend']:<11}{r['households']:>11,}{r['area']:>11}{r['p50']:>15.2f}{r['p95']:>9.2f}"
                      f"{r['naive']:>11.1f}{r['naive'] / r['p50']:>15.0f}×", flush=True)
    print("\nGoals: flat from 10k to 1M; p95 < 20 ms at 1M on PostgreSQL; ≥ 50× faster than the naive query at 1M.")


if __name__ == "__main__":
    main()
