"""What a check found: the household's answers, the agreement rates, and a visit found false.

A checker re-visits the household and records, on a short form, what it says: was anyone here? was
material handed over? did you sign yourself? — with their own photo and GPS. A check agrees when the
household confirms the visit and what it recorded. A household saying nobody came makes the visit
false: it leaves the 入户 and 三有 counts (``ledger.strike_visit``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from models import (Area, Campaign, FileKind, Household, Pledge, ResidentAnswer, ResidentWord, SpotCheck, StoredFile,
                    User, Visit, VisitMaterial, utcnow)
from server.extensions import db
from server.services.files.uploads import UploadRejected, store_upload
from server.services.ledger import strike_visit
from server.services.reports.agreement import checks_under
from server.services.reports.coverage import households_under_clause


class CheckInputError(ValueError):
    """Bad input on the re-visit form; ``errors`` maps each field to a Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("bad check input")
        self.errors = errors


class CheckAlreadyDone(ValueError):
    """The check was recorded already, by another send (another client UUID)."""


def _yes_no(value, field: str, errors: dict, required: bool = False) -> bool | None:
    if value in (None, ""):
        if required:
            errors[field] = "请选择“是”或“否”"
        return None
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("yes", "true", "1", "是"):
        return True
    if str(value).lower() in ("no", "false", "0", "否"):
        return False
    errors[field] = "请选择“是”或“否”"
    return None


def _coordinate(value, field: str, low: float, high: float, errors: dict) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        errors[field] = "定位数据有误"
        return None
    return number


def record_check(check: SpotCheck, checker: User, form: dict, now: dt.datetime | None = None) -> bool:
    """Record what the household said; returns False for a retry of the same send (same ``client_id``).

    ``form``: client_id (the phone's UUID), visited, material_received, signed_themselves (yes/no), note,
    photo_file_id (a photo the checker uploaded), lat, lng. Flushes.

    Raises:
        CheckInputError: a field is missing or wrong.
        CheckAlreadyDone: the check was recorded by another send.
    """
    client_id = str(form.get("client_id") or "").strip()
    if check.checked_at is not None:
        if client_id and client_id == check.client_id:
            return False
        raise CheckAlreadyDone(check.id)
    errors: dict[str, str] = {}
    if not 8 <= len(client_id) <= 36:
        errors["client_id"] = "缺少表单编号，请刷新页面后重试"
    visited = _yes_no(form.get("visited"), "visited", errors, required=True)
    material = _yes_no(form.get("material_received"), "material_received", errors)
    signed = _yes_no(form.get("signed_themselves"), "signed_themselves", errors)
    photo = None
    if form.get("photo_file_id"):
        photo = db.session.get(StoredFile, str(form["photo_file_id"]))
        if photo is None or photo.owner_id != checker.id or photo.kind is not FileKind.PHOTO:
            errors["photo_file_id"] = "照片无效，请重新拍摄上传"
    lat = _coordinate(form.get("lat"), "lat", -90, 90, errors)
    lng = _coordinate(form.get("lng"), "lng", -180, 180, errors)
    note = str(form.get("note") or "").strip()[:500] or None
    if errors:
        raise CheckInputError(errors)
    if db.session.scalar(select(SpotCheck.id).where(SpotCheck.client_id == client_id)) is not None:
        return False  # the same send arrived for another check: nothing more to store
    now = now or utcnow()
    visit = check.visit
    had_material = db.session.scalar(select(VisitMaterial.id).where(VisitMaterial.visit_id == visit.id).limit(1))
    had_pledge = db.session.scalar(select(Pledge.id).where(Pledge.visit_id == visit.id).limit(1))
    check.client_id, check.checked_at = client_id, now
    check.visited, check.material_received, check.signed_themselves = visited, material, signed
    check.photo_file_id, check.lat, check.lng, check.note = photo.id if photo else None, lat, lng, note
    check.agrees = bool(visited and (had_material is None or material is not False)
                        and (had_pledge is None or signed is not False))
    db.session.flush()
    if visited is False:
        strike_visit(visit, now)
    return True


def record_check_from_page(check: SpotCheck, checker: User, form: dict, photo: bytes | None, storage,
                           max_bytes: int) -> bool:
    """``record_check`` from the re-visit page, whose photo comes as the file itself: kept first, then named. Flushes.

    Raises:
        CheckInputError: as ``record_check``, or the photo is refused.
    """
    if photo and check.checked_at is None:
        try:
            stored = store_upload(checker, FileKind.PHOTO, photo, storage, max_bytes)
        except UploadRejected as refused:
            raise CheckInputError({"photo": str(refused)}) from refused
        form = {**form, "photo_file_id": stored.id}
    return record_check(check, checker, form)


# -- reading -------------------------------------------------------------------------------------------------

def check_queue(campaign: Campaign, area: Area) -> list[SpotCheck]:
    """The checks not yet done in the area, the disputed first, then by when they were queued."""
    checks = db.session.scalars(checks_under(campaign, area).where(SpotCheck.checked_at.is_(None))
                                .order_by(SpotCheck.queued_at, SpotCheck.id)).all()
    return sorted(checks, key=lambda c: c.reason.value != "disputed")


def checks_of(checker: User, *, done: bool = False) -> list[SpotCheck]:
    """The checks assigned to ``checker``, to do (or done): nobody else's."""
    waiting = SpotCheck.checked_at.is_not(None) if done else SpotCheck.checked_at.is_(None)
    return db.session.scalars(select(SpotCheck).where(SpotCheck.checker_id == checker.id, waiting)
                              .order_by(SpotCheck.queued_at, SpotCheck.id)).all()


@dataclass
class Disputed:
    visit: Visit
    household: Household
    answered_at: dt.datetime
    check: SpotCheck | None


def disputed_visits(campaign: Campaign, area: Area) -> list[Disputed]:
    """The visits a resident said never happened, newest answer first, with their check if any."""
    rows = db.session.execute(
        select(Visit, Household, ResidentAnswer.answered_at).join(ResidentAnswer, ResidentAnswer.visit_id == Visit.id)
        .join(Household, Household.id == Visit.household_id)
        .where(ResidentAnswer.word == ResidentWord.DENIED, Visit.campaign_id == campaign.id,
               Visit.household_id.in_(households_under_clause(area)))
        .order_by(ResidentAnswer.answered_at.desc())).all()
    seen: dict[str, Disputed] = {}
    for visit, household, answered_at in rows:
        if visit.id not in seen:
            check = db.session.scalars(select(SpotCheck).where(SpotCheck.visit_id == visit.id)
                                       .order_by(SpotCheck.id.desc())).first()
            seen[visit.id] = Disputed(visit, household, answered_at, check)
    return list(seen.values())


@dataclass
class CheckCard:
    """A check as its checker sees it: the door, the visit to confirm, and what was recorded then."""

    check: SpotCheck
    household: Household
    worker_name: str
    materials: list[str]
    pledged_at_visit: bool


def describe(check: SpotCheck) -> CheckCard:
    visit = check.visit
    household = db.session.get(Household, visit.household_id)
    pledged = db.session.scalar(select(Pledge.id).where(Pledge.visit_id == visit.id).limit(1)) is not None
    return CheckCard(check, household, visit.worker.name, [m.material.name for m in visit.materials], pledged)
