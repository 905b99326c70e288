"""Recording a knock on a door: the visit, what was handed out, the photo, the pledge, the feedback.

Every write a phone may retry is idempotent by the phone's UUID: the same id
with the same content gives back the first answer and adds nothing; the same id
with other content is a conflict. The visit, its materials, pledge, feedback
and the ledger update are one unit of work.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from models import (Building, Campaign, CampaignStatus, Feedback, FeedbackCategory, FeedbackChannel, FileKind,
                    Household, Outcome, PledgeChannel, QuizChannel, Relation, StoredFile, User, Visit, VisitMaterial,
                    utcnow)
from server.extensions import db
from server.services.access.scope import OutOfScope, household_in_scope
from server.services.canvassing.quiz import answer_errors, answer_quiz
from server.services.ledger import counters as ledger
from server.services.pledges.chain import new_pledge, text_changed
from server.services.privacy.masking import mask_phones_in

#: How far ahead of the server a phone's clock may run.
CLOCK_SKEW = dt.timedelta(minutes=10)


#: What a worker is told when the visit names a household or campaign they cannot record a visit for.
VISIT_NOT_FOUND = "住户或活动不存在，或不在您的网格内"


class VisitConflict(Exception):
    """The visit id is taken by a visit with other content (answered 409)."""


class VisitRejected(ValueError):
    """The visit breaks a rule; ``errors`` maps each field to messages in Chinese (answered 422)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("visit rejected")
        self.errors = errors


@dataclass(frozen=True)
class RecordedVisit:
    visit: Visit
    progress: dict  # the household's progress as it stood right after this visit
    created: bool  # False for a replay


def request_digest(payload: dict) -> str:
    """SHA-256 of a visit request in canonical form: what "the same content" means."""
    def default(value):
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.timezone.utc).isoformat()
        return str(value)

    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                     default=default).encode()).hexdigest()


def _replay(visit: Visit, digest: str) -> RecordedVisit:
    if visit.request_sha256 != digest:
        raise VisitConflict(visit.id)
    return RecordedVisit(visit, json.loads(visit.progress_json), created=False)


def _file(user: User, file_id: str | None, kind: FileKind, field: str, errors: dict) -> StoredFile | None:
    if not file_id:
        return None
    stored = db.session.get(StoredFile, file_id)
    if stored is None or stored.owner_id != user.id or stored.kind is not kind:
        errors.setdefault(field, []).append("文件不存在或不是您上传的" + ("照片" if kind is FileKind.PHOTO else "签名"))
        return None
    return stored


def _check(user: User, payload: dict, campaign: Campaign,
           now: dt.datetime) -> tuple[StoredFile | None, StoredFile | None]:
    errors: dict[str, list[str]] = {}
    if campaign.status is not CampaignStatus.ACTIVE:
        errors.setdefault("campaign_id", []).append("该活动不在进行中")
    visited_at = payload["visited_at"]
    if visited_at > now + CLOCK_SKEW:
        errors.setdefault("visited_at", []).append("走访时间晚于当前时间，请检查手机时间")
    elif visited_at.date() < campaign.start_date - dt.timedelta(days=1):
        errors.setdefault("visited_at", []).append("走访时间早于活动开始日期")
    codes = [m["code"] for m in payload.get("materials", [])]
    known = {m.code for m in campaign.materials}
    for code in codes:
        if code not in known:
            errors.setdefault("materials", []).append(f"本次活动没有“{code}”这种宣传资料")
    if len(set(codes)) != len(codes):
        errors.setdefault("materials", []).append("同一种资料请只填一次，写明数量")
    photo = _file(user, payload.get("photo_file_id"), FileKind.PHOTO, "photo_file_id", errors)
    pledge = payload.get("pledge")
    signature = _file(user, pledge["signature_file_id"], FileKind.SIGNATURE, "pledge.signature_file_id",
                      errors) if pledge else None
    outcome = payload["outcome"]
    if pledge and outcome is not Outcome.CONTACTED:
        errors.setdefault("pledge", []).append("只有入户宣传时才能签署承诺书")
    if pledge and campaign.current_pledge_text is None:
        errors.setdefault("pledge", []).append("本次活动还没有承诺书文本")
    elif pledge and (changed := text_changed(campaign, pledge.get("pledge_text_version"))):
        errors.setdefault("pledge.pledge_text_version", []).append(changed)
    if payload.get("quiz"):
        if outcome is not Outcome.CONTACTED:
            errors.setdefault("quiz", []).append("只有入户宣传时才能答题")
        else:
            for field, messages in answer_errors(campaign, payload["quiz"]).items():
                errors.setdefault(field, []).extend(messages)
    if outcome is Outcome.VACANT and not (payload.get("photo_file_id") or payload.get("note")):
        errors.setdefault("outcome", []).append("登记空置需要拍照或填写说明")
    if errors:
        raise VisitRejected(errors)
    return photo, signature


def record_visit(user: User, payload: dict, now: dt.datetime | None = None) -> RecordedVisit:
    """Record one visit, as parsed by the visit schema; replays give back the first answer. Flushes.

    Raises:
        OutOfScope: household or campaign unknown, outside the caller's areas, the campaign a draft
            (workers never see one), or the campaign does not cover the household.
        VisitConflict: the id is taken by a visit with other content.
        VisitRejected: a rule is broken (materials, files, times, outcome).
    """
    now = now or utcnow()
    digest = request_digest(payload)
    existing = db.session.get(Visit, payload["id"])
    if existing is not None:
        return _replay(existing, digest)
    household = db.session.get(Household, payload["household_id"],
                               options=[joinedload(Household.building).joinedload(Building.grid)])
    campaign = db.session.get(Campaign, payload["campaign_id"],
                              options=[joinedload(Campaign.materials), joinedload(Campaign.pledge_texts),
                                       joinedload(Campaign.area), joinedload(Campaign.quizzes)])
    if household is None or campaign is None or campaign.status is CampaignStatus.DRAFT \
            or not household_in_scope(user, household) or not household.building.grid.is_within(campaign.area):
        raise OutOfScope(payload["household_id"], VISIT_NOT_FOUND)
    photo, signature = _check(user, payload, campaign, now)
    try:
        with db.session.begin_nested():
            recorded = _write(user, payload, household, campaign, photo, signature, digest, now)
    except IntegrityError:
        # Another request stored this id first (a double send racing itself): answer as a replay.
        existing = db.session.get(Visit, payload["id"])
        if existing is None:
            raise
        return _replay(existing, digest)
    return recorded


def _write(user, payload, household, campaign, photo, signature, digest, now) -> RecordedVisit:
    location = payload.get("location") or {}
    visit = Visit(id=str(payload["id"]), campaign_id=campaign.id, household_id=household.id, worker_id=user.id,
                  outcome=payload["outcome"], visited_at=payload["visited_at"], received_at=now,
                  photo_file_id=photo.id if photo else None, lat=location.get("lat"), lng=location.get("lng"),
                  accuracy_m=location.get("accuracy_m"), note=mask_phones_in(payload.get("note")) or None,
                  request_sha256=digest, progress_json="")
    by_code = {m.code: m for m in campaign.materials}
    for item in payload.get("materials", []):
        visit.materials.append(VisitMaterial(material=by_code[item["code"]], quantity=item["quantity"]))
    db.session.add(visit)
    db.session.flush()  # the id is claimed here: a concurrent twin fails now, before anything else is written
    progress = ledger.lock_progress(household, campaign)
    before = ledger.counts_of(household, progress)
    progress.visits += 1
    ledger.fold_visit(progress, visit.outcome, visit.visited_at, photo is not None, bool(visit.materials))
    pledges, feedback_rows = [], []
    if payload.get("pledge"):
        pledge = payload["pledge"]
        pledges.append(new_pledge(household, campaign, pledge["signer_name"], Relation(pledge["relation"]), signature,
                                  PledgeChannel.WORKER_VISIT, visit=visit, now=now))
        progress.pledged = True
    if payload.get("feedback"):
        feedback = payload["feedback"]
        feedback_rows.append(Feedback(campaign_id=campaign.id, household_id=household.id, visit_id=visit.id,
                                      channel=FeedbackChannel.WORKER_VISIT,
                                      category=FeedbackCategory(feedback["category"]),
                                      text=mask_phones_in(feedback["text"])))
        db.session.add(feedback_rows[0])
    after = ledger.counts_of(household, progress)
    snapshot = ledger.snapshot(household, progress)
    visit.progress_json = json.dumps(snapshot)
    # The counters' upserts flush everything above with them.
    ledger.apply_change(household, campaign, before, after)
    ledger.record_day(campaign.id, household.building.grid, visit.visited_at, before, after, visits=1,
                      contacts=int(visit.outcome is Outcome.CONTACTED), pledges=len(pledges))
    db.session.flush()
    if payload.get("quiz"):  # asked at the door: the household's answer now, under the visit's own UUID
        answer_quiz(household, campaign, payload["quiz"], QuizChannel.WORKER_VISIT, visit.id, visit=visit, now=now)
    # What the answer shows of the visit, without loading it back.
    set_committed_value(visit, "pledges", pledges)
    set_committed_value(visit, "feedback", feedback_rows)
    return RecordedVisit(visit, snapshot, created=True)


@dataclass(frozen=True)
class SyncResult:
    id: str | None
    status: str  # created | duplicate | conflict | invalid | not_found
    errors: dict
    recorded: RecordedVisit | None = None


def sync_visits(user: User, items: list, parse: Callable[[dict], dict],
                now: dt.datetime | None = None) -> list[SyncResult]:
    """Record a batch of visits from an offline phone, each on its own: one bad item never loses the others.

    ``parse`` validates one raw item (the visit schema's ``load``) and raises
    ``marshmallow.ValidationError`` for a malformed one. Flushes.
    """
    results = []
    for raw in items:
        item_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            payload = parse(raw)
        except ValidationError as error:
            results.append(SyncResult(item_id, "invalid", error.normalized_messages()))
            continue
        try:
            with db.session.begin_nested():
                recorded = record_visit(user, payload, now=now)
        except OutOfScope:
            results.append(SyncResult(item_id, "not_found", {"household_id": ["住户不存在或不在您的网格内"]}))
        except VisitConflict:
            results.append(SyncResult(item_id, "conflict", {"id": ["这个编号已被另一次不同内容的走访使用"]}))
        except VisitRejected as rejected:
            results.append(SyncResult(item_id, "invalid", rejected.errors))
        else:
            results.append(SyncResult(str(payload["id"]), "created" if recorded.created else "duplicate", {},
                                      recorded))
    return results
