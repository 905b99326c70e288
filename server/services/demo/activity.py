"""A fortnight of door-knocking for the demo city, recorded through the same services as real visits."""
from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from collections.abc import Callable

from PIL import Image, ImageDraw
from sqlalchemy import select

from models import Area, Building, Campaign, FileKind, Household, Outcome, Role, Standing, User, user_area, utcnow
from server.extensions import db
from server.services.canvassing.visits import record_visit
from server.services.files.storage import LocalStorage
from server.services.files.uploads import store_upload

_FEEDBACK = (("collection_time", "晚上垃圾收运太早了，下班回来桶已经满了"),
             ("drop_off", "希望在3栋旁边增加一个厨余垃圾投放点"),
             ("environment", "垃圾房周边气味较大，希望多清洗"),
             ("knowledge", "大骨头属于哪一类？希望多发宣传资料"),
             ("other", "支持垃圾分类，辛苦网格员了"))


def _photo(rng: random.Random) -> bytes:
    image = Image.new("RGB", (320, 240), (rng.randrange(150, 230), rng.randrange(150, 230), rng.randrange(150, 230)))
    draw = ImageDraw.Draw(image)
    left = rng.randrange(80, 140)
    draw.rectangle((left, 50, left + 120, 240), fill=(110, 70, 40))  # a door
    draw.ellipse((left + 95, 140, left + 105, 150), fill=(220, 200, 80))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _signature(rng: random.Random) -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    points = [(40 + i * 50, rng.randrange(50, 160)) for i in range(11)]
    ImageDraw.Draw(image).line(points, fill=(0, 0, 0, 255), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def simulate_field_work(campaign: Campaign, share: float, rng: random.Random, storage: LocalStorage,
                        now: dt.datetime | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Have each grid's worker visit about ``share`` of its households in the last two weeks. Flushes.

    Outcomes, photos, material, pledges and feedback follow what a field team
    typically records. Returns the number of visits recorded.
    """
    now = now or utcnow()
    workers = db.session.execute(select(User, Area).join(user_area, user_area.c.user_id == User.id)
                                 .join(Area, Area.id == user_area.c.area_id)
                                 .where(User.role == Role.GRID_WORKER)).all()
    recorded = 0
    for worker, grid in workers:
        households = db.session.scalars(select(Household).join(Building).where(
            Building.grid_id == grid.id, Standing.sql().in_scope).order_by(Household.id)).all()
        for household in rng.sample(households, int(len(households) * share)):
            days_ago = rng.randrange(0, 14)
            visited_at = (now - dt.timedelta(days=days_ago)).replace(hour=10 + rng.randrange(0, 3),
                                                                     minute=rng.randrange(60))
            visited_at = min(visited_at, now - dt.timedelta(minutes=5))
            roll = rng.random()
            outcome = "contacted" if roll < 0.65 else "not_home" if roll < 0.92 else "refused"
            payload = {"id": str(uuid.uuid4()), "campaign_id": campaign.id, "household_id": household.id,
                       "outcome": Outcome(outcome), "visited_at": visited_at, "materials": [], "photo_file_id": None,
                       "location": {"lat": household.building.lat, "lng": household.building.lng, "accuracy_m": 15.0},
                       "pledge": None, "feedback": None, "note": None}
            if outcome == "contacted":
                if rng.random() < 0.85:  # every door its own photo, every signer their own signature
                    payload["photo_file_id"] = store_upload(worker, FileKind.PHOTO, _photo(rng), storage,
                                                            max_bytes=10 * 2**20).id
                if rng.random() < 0.9:
                    payload["materials"] = [{"code": c, "quantity": 1} for c in ("notice", "pledge", "brochure")]
                if rng.random() < 0.7:
                    signature = store_upload(worker, FileKind.SIGNATURE, _signature(rng), storage, max_bytes=2**20)
                    payload["pledge"] = {"signer_name": household.head_name or "住户", "relation": "householder",
                                         "signature_file_id": signature.id}
                if rng.random() < 0.12:
                    category, text = rng.choice(_FEEDBACK)
                    payload["feedback"] = {"category": category, "text": text}
            with db.session.begin_nested():
                record_visit(worker, payload, now=now)
            recorded += 1
            if progress and recorded % 100 == 0:
                progress(recorded)
    return recorded
