#!/usr/bin/env python
"""HTTP throughput under gunicorn (2 workers, production config, loopback), with wrk, beside a bare endpoint.

For SQLite and PostgreSQL it seeds a demo city, starts gunicorn, and runs wrk
against: ``GET /api/mp/v1/ping`` (the same app and stack doing nothing: the
limit), the door scan ``GET /households/by-qr/<token>``, the visit write
``POST /visits`` (a new UUID each time, with material, no photo), and
``GET /ledger`` for a community and for the whole city. It prints requests/s,
p50/p95/p99 latency, errors, and each endpoint's ratio to the bare endpoint.

Goals: scan ≥ 0.60, visit write ≥ 0.35, ledger ≥ 0.50 of the bare endpoint, zero errors.

    python scripts/bench/http_throughput.py [--databases sqlite,postgresql] [--seconds 10] [--households 6000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.common import SECRET, app_for, fresh_database, gunicorn, wrk  # noqa: E402

GOALS = {"scan": 0.60, "visit": 0.35, "ledger: community": 0.50, "ledger: city": 0.50}


def seed(url: str, workdir: Path, households: int) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from models import Area, Building, Household, Role, User, user_area
    from server.extensions import db
    from server.services.access.sessions import api_token
    from server.services.demo.city import seed_demo_city

    app = app_for(url, workdir)
    with app.app_context():
        upgrade()
        city = seed_demo_city(households=households, seed=5)
        db.session.commit()
        worker = db.session.scalars(select(User).where(User.role == Role.GRID_WORKER).order_by(User.id)).first()
        grid_id = db.session.scalar(select(user_area.c.area_id).where(user_area.c.user_id == worker.id))
        grid = db.session.get(Area, grid_id)
        doors = db.session.execute(select(Household.id, Household.token).join(Building)
                                   .where(Building.grid_id == grid_id).order_by(Household.id)).all()
        admin = db.session.scalar(select(User).where(User.role == Role.DISTRICT_ADMIN))
        worker_token, _ = api_token(app.config, user=worker)
        admin_token, _ = api_token(app.config, user=admin)
        db.session.commit()
        return {"campaign": city.campaign.id, "district": city.district.id, "community": grid.parent_id,
                "worker_token": worker_token, "admin_token": admin_token,
                "households": [d[0] for d in doors], "tokens": [d[1] for d in doors]}


def visit_script(campaign: int, households: list[int], token: str) -> str:
    ids = ",".join(str(h) for h in households)
    return """
local households = {%s}
local counter = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function (c)
    local v = (c == "x") and math.random(0, 0xf) or math.random(8, 0xb)
    return string.format("%%x", v)
  end))
end
request = function()
  counter = counter + 1
  local household = households[(counter %% #households) + 1]
  local body = string.format('{"id": "%%s", "campaign_id": %d, "household_id": %%d, "outcome": "contacted", ' ..
    '"visited_at": "%s", "materials": [{"code": "notice", "quantity": 1}]}', uuid(), household)
  return wrk.format("POST", "/api/mp/v1/visits",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}, body)
end
""" % (ids, campaign, dt.datetime.now(dt.timezone.utc).isoformat(), token)


def scan_script(tokens: list[str]) -> str:
    listed = ",".join(f'"{t}"' for t in tokens)
    return """
local tokens = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/mp/v1/households/by-qr/" .. tokens[(counter %% #tokens) + 1])
end
""" % listed


def run(backend: str, seconds: int, households: int, worker_class: str) -> list[tuple[str, dict]]:
    with tempfile.TemporaryDirectory() as folder, fresh_database(backend, Path(folder)) as url:
        workdir = Path(folder)
        data = seed(url, workdir, households)
        worker = {"Authorization": f"Bearer {data['worker_token']}"}
        admin = {"Authorization": f"Bearer {data['admin_token']}"}
        results = []
        with gunicorn(url, workdir, worker_class=worker_class) as base:
            wrk(f"{base}/api/mp/v1/ping", seconds=2, workdir=workdir)  # warm up
            results.append(("hello (ping)", wrk(f"{base}/api/mp/v1/ping", seconds, workdir=workdir)))
            results.append(("scan", wrk(base, seconds, headers=worker, script=scan_script(data["tokens"]),
                                        workdir=workdir)))
            results.append(("visit", wrk(base, seconds, headers=worker,
                                         script=visit_script(data["campaign"], data["households"],
                                                             data["worker_token"]), workdir=workdir)))
            ledger = f"{base}/api/mp/v1/ledger?campaign_id={data['campaign']}&area_id="
            results.append(("ledger: community", wrk(ledger + str(data["community"]), seconds, headers=admin,
                                                     workdir=workdir)))
            results.append(("ledger: city", wrk(ledger + str(data["district"]), seconds, headers=admin,
                                                workdir=workdir)))
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--households", type=int, default=6000)
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    everything = {}
    for backend in args.databases.split(","):
        results = run(backend, args.seconds, args.households, args.worker_class)
        hello = results[0][1]["rps"]
        print(f"\n{backend}, gunicorn 2 {args.worker_class} workers, wrk 2 threads × 32 connections, {args.seconds} s")
        print(f"{'endpoint':<20}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'× hello':>9}{'goal':>7}")
        for name, r in results:
            goal = GOALS.get(name)
            print(f"{name:<20}{r['rps']:>9,.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}{r['errors']:>8}"
                  f"{r['rps'] / hello:>9.2f}{(f'≥{goal:.2f}' if goal else ''):>7}")
        everything[backend] = {name: r for name, r in results}
    if args.json:
        print(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main()
