"""Who is doing the work: each worker's visits by day, and the patterns a head should look at."""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from models import (Building, Campaign, Household, Outcome, Pledge, ResidentAnswer, ResidentWord, StoredFile, User,
                    Visit, VisitMaterial, evidences)
from server.extensions import db
from server.services.ledger.counters import local_day, rate
from server.services.reports.coverage import households_under_clause
from server.timefmt import SHANGHAI

#: More than this many visits by one worker within the window is flagged.
BURST_VISITS, BURST_MINUTES = 10, 10
#: A visit's GPS further than this from its building is flagged.
GPS_TOLERANCE_M = 200


@dataclass
class WorkerDay:
    worker: User
    day: dt.date
    visits: int = 0
    contacts: int = 0
    pledges: int = 0
    documented: int = 0  # visits that evidence the 三有 (``evidences``) and carry a pledge

    @property
    def documented_share(self) -> float | None:
        return rate(self.documented, self.contacts)


@dataclass
class Flag:
    kind: str          # burst | far_gps | disputed | signature_reused | photo_reused
    label: str
    worker: User | None
    visits: list[Visit] = field(default_factory=list)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def gps_distance_m(visit: Visit, building: Building) -> float | None:
    """How far the visit's fix lies from its building, or None when it cannot be checked: the GPS-distance rule.

    Only a confirmed position counts (``Building.has_position``: imported, placed or an accepted suggestion). A
    suggestion is never used: it is made from these very fixes, and would check the visits against themselves.
    """
    if visit.lat is None or visit.lng is None or not building.has_position:
        return None
    return distance_m(visit.lat, visit.lng, building.lat, building.lng)


def _visits(campaign: Campaign, area):
    return db.session.execute(
        select(Visit, User, Building)
        .join(User, User.id == Visit.worker_id)
        .join(Household, Household.id == Visit.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(Visit.campaign_id == campaign.id, Visit.household_id.in_(households_under_clause(area)))
        .order_by(Visit.worker_id, Visit.visited_at)).all()


def worker_days(campaign: Campaign, area) -> list[WorkerDay]:
    """Per worker and day: visits, contacts, pledges and documented visits (not those a spot check found false)."""
    with_material = set(db.session.scalars(select(VisitMaterial.visit_id).join(Visit).where(
        Visit.campaign_id == campaign.id, Visit.household_id.in_(households_under_clause(area)))))
    with_pledge = set(db.session.scalars(select(Pledge.visit_id).where(
        Pledge.campaign_id == campaign.id, Pledge.visit_id.is_not(None),
        Pledge.household_id.in_(households_under_clause(area)))))
    days: dict[tuple[int, dt.date], WorkerDay] = {}
    for visit, worker, _ in _visits(campaign, area):
        if visit.found_false_at is not None:  # a spot check found nobody came: not work done
            continue
        row = days.setdefault((worker.id, local_day(visit.visited_at)), WorkerDay(worker, local_day(visit.visited_at)))
        row.visits += 1
        if visit.outcome is Outcome.CONTACTED:
            row.contacts += 1
        if evidences(visit.outcome, visit.photo_file_id is not None, visit.id in with_material) \
                and visit.id in with_pledge:
            row.documented += 1
        if visit.id in with_pledge:
            row.pledges += 1
    return sorted(days.values(), key=lambda r: (r.day, r.worker.name), reverse=True)


def flags(campaign: Campaign, area) -> list[Flag]:
    """Patterns worth a look: bursts of visits, GPS far from the building, a visit the resident says never happened,
    a signature or photo on several homes."""
    found: list[Flag] = []
    visits = _visits(campaign, area)
    by_worker: dict[int, list[tuple[Visit, User, Building]]] = defaultdict(list)
    for row in visits:
        by_worker[row[1].id].append(row)
    window = dt.timedelta(minutes=BURST_MINUTES)
    for rows in by_worker.values():
        start = 0
        flagged_until = -1
        for end in range(len(rows)):
            while rows[end][0].visited_at - rows[start][0].visited_at > window:
                start += 1
            if end - start + 1 > BURST_VISITS and end > flagged_until:
                burst = [v for v, _, _ in rows[start:end + 1]]
                found.append(Flag("burst", f"{BURST_MINUTES} 分钟内走访 {len(burst)} 户", rows[end][1], burst))
                flagged_until = end + BURST_VISITS
    for visit, worker, building in visits:
        metres = gps_distance_m(visit, building)
        if metres is not None and metres > GPS_TOLERANCE_M:
            found.append(Flag("far_gps", f"定位距楼栋 {metres:,.0f} 米", worker, [visit]))
    disputed = set(db.session.scalars(select(ResidentAnswer.visit_id).where(ResidentAnswer.word == ResidentWord.DENIED)))
    for visit, worker, _ in visits:
        if visit.id in disputed:
            found.append(Flag("disputed", "居民反映没有人来过", worker, [visit]))
    found += _reused(campaign, area, "signature_reused")
    found += _reused(campaign, area, "photo_reused")
    return found


def _reused(campaign: Campaign, area, kind: str) -> list[Flag]:
    """One image (by content hash) on the visits or pledges of more than one household."""
    if kind == "signature_reused":
        rows = db.session.execute(
            select(StoredFile.sha256, Pledge.household_id, Pledge.visit_id)
            .join(Pledge, Pledge.signature_file_id == StoredFile.id)
            .where(Pledge.campaign_id == campaign.id, Pledge.household_id.in_(households_under_clause(area)))).all()
        label = "同一个签名图片用于 {} 户"
    else:
        rows = db.session.execute(
            select(StoredFile.sha256, Visit.household_id, Visit.id)
            .join(Visit, Visit.photo_file_id == StoredFile.id)
            .where(Visit.campaign_id == campaign.id, Visit.household_id.in_(households_under_clause(area)))).all()
        label = "同一张照片用于 {} 户"
    households, visit_ids = defaultdict(set), defaultdict(list)
    for sha256, household_id, visit_id in rows:
        households[sha256].add(household_id)
        if visit_id:
            visit_ids[sha256].append(visit_id)
    found = []
    for sha256, homes in households.items():
        if len(homes) > 1:
            visits = db.session.scalars(select(Visit).where(Visit.id.in_(visit_ids[sha256]))
                                        .order_by(Visit.visited_at)).all()
            worker = db.session.get(User, visits[0].worker_id) if visits else None
            found.append(Flag(kind, label.format(len(homes)), worker, list(visits)))
    return found


def today_for(worker: User, now: dt.datetime | None = None) -> dict[str, int]:
    """A worker's own day so far (Beijing time): visits, contacts, pledges."""
    now = now or dt.datetime.now(SHANGHAI)
    midnight = dt.datetime.combine(now.astimezone(SHANGHAI).date(), dt.time(), SHANGHAI)
    visits = db.session.execute(select(Visit.outcome, Visit.id.in_(select(Pledge.visit_id)))
                                .where(Visit.worker_id == worker.id, Visit.visited_at >= midnight)).all()
    return {"visits": len(visits), "contacts": sum(o is Outcome.CONTACTED for o, _ in visits),
            "pledges": sum(bool(p) for _, p in visits)}
