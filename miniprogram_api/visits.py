"""Recording visits, one at a time or as an offline batch."""
from __future__ import annotations

import datetime as dt

from flask_smorest import abort
from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from models import FeedbackCategory, Outcome, Relation
from server.errors import translate_messages
from server.extensions import db
from server.services.canvassing.visits import VisitConflict, VisitRejected, record_visit, sync_visits
from server.services.privacy.masking import mask_name

from .blueprint import ApiBlueprint
from .schemas import FirstOf, ProgressOut, enum_value, messages, one_of, record_id
from .security import BEARER, VISITORS, current_user, requires

bp = ApiBlueprint("mp_visits", __name__, description="入户走访")
MAX_BATCH = 200


class MaterialIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 32), metadata={"description": "e.g. notice"})
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))


class LocationIn(Schema):
    """Where the phone was, in GCJ-02 (``wx.getLocation({type: "gcj02"})``), the system of buildings and the map."""

    lat = fields.Float(required=True, validate=validate.Range(-90, 90),
                       metadata={"description": "GCJ-02 latitude (wx.getLocation type gcj02)"})
    lng = fields.Float(required=True, validate=validate.Range(-180, 180),
                       metadata={"description": "GCJ-02 longitude (wx.getLocation type gcj02)"})
    accuracy_m = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 100_000))


class PledgeIn(Schema):
    signer_name = fields.String(required=True, validate=validate.Length(1, 32))
    relation = enum_value(Relation, required=True, metadata={"description": "householder | family | tenant"})
    signature_file_id = fields.String(required=True, validate=validate.Length(1, 32))
    pledge_text_version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 10_000), metadata={
        "description": "the version of the pledge text the resident read (GET /campaigns); if it is no longer the "
                       "current one the visit is refused (422), so that nobody signs a text they did not see"})


class FeedbackIn(Schema):
    category = enum_value(FeedbackCategory, required=True)
    text = fields.String(required=True, validate=validate.Length(1, 500))


class QuizAnswerIn(Schema):
    """The household's answer to the campaign's quiz, asked at the door (``GET /campaigns`` gives the quiz).

    It becomes the household's current answer (replacing any earlier one), stored under the visit's ``id``.
    """

    class Meta:
        unknown = RAISE

    quiz_version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 10_000), metadata={
        "description": "the version of the quiz asked; default the current one. Scored against that version"})
    answers = fields.List(fields.Integer(strict=True, validate=validate.Range(0, 20)), load_default=list,
                          validate=validate.Length(max=20), metadata={
                              "description": "the option chosen (0-based) for each question in order; "
                                             "empty when only the satisfaction question was asked"})
    satisfaction = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 20),
                                  metadata={"description": "the satisfaction option chosen (0-based, most satisfied "
                                                           "first; the top two count as satisfied)"})


def _plausible_time(value: dt.datetime) -> None:
    """A phone's clock far off (year 1, year 9999) is refused before any arithmetic on it can overflow."""
    if not 2000 <= value.year <= 2100:
        raise ValidationError("走访时间不对，请检查手机的日期和时间")


class VisitIn(Schema):
    """One knock on one door. ``id`` is a UUID made by the phone: sending it again is safe."""

    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    campaign_id = record_id(required=True, strict=True)
    household_id = record_id(required=True, strict=True)
    outcome = enum_value(Outcome, required=True, metadata={"description": "contacted | not_home | refused | vacant"})
    visited_at = fields.AwareDateTime(required=True, validate=_plausible_time,
                                      metadata={"description": "the phone's time, ISO 8601 with offset"})
    materials = fields.List(fields.Nested(MaterialIn), load_default=list, validate=validate.Length(max=10))
    photo_file_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 32))
    location = fields.Nested(LocationIn, load_default=None, allow_none=True)
    pledge = fields.Nested(PledgeIn, load_default=None, allow_none=True)
    feedback = fields.Nested(FeedbackIn, load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    quiz = fields.Nested(QuizAnswerIn, load_default=None, allow_none=True,
                         metadata={"description": "only with outcome contacted"})

    @post_load
    def plain_id(self, data, **kwargs):
        data["id"] = str(data["id"])
        return data


class HandedOutMaterialOut(Schema):
    code = fields.String(attribute="material.code")
    name = fields.String(attribute="material.name")
    quantity = fields.Integer()


class MaskedName(fields.String):
    """A person's name as everyone is shown it: 张** (server/services/privacy/masking.py)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return mask_name(value)


class PledgeOut(Schema):
    id = fields.String()
    signer_name = MaskedName(metadata={"description": "masked: 张**"})
    relation = enum_value(Relation)
    pledge_text_id = fields.Integer()
    signed_at = fields.AwareDateTime()
    content_sha256 = fields.String(metadata={"description": "SHA-256 over the pledge's canonical content"})
    code = fields.String(metadata={"description": "the receipt's verification code, for /pledges/<code>"})


class VisitFeedbackOut(Schema):
    id = fields.Integer()
    category = enum_value(FeedbackCategory)
    text = fields.String()


class VisitOut(Schema):
    id = fields.String()
    campaign_id = fields.Integer()
    household_id = fields.Integer()
    outcome = enum_value(Outcome)
    visited_at = fields.AwareDateTime()
    received_at = fields.AwareDateTime(metadata={"description": "the server's time of receipt"})
    materials = fields.List(fields.Nested(HandedOutMaterialOut))
    photo_file_id = fields.String(allow_none=True)
    pledge = FirstOf(PledgeOut, attribute="pledges", allow_none=True, metadata={"description": "the pledge signed"})
    feedback = FirstOf(VisitFeedbackOut, allow_none=True, metadata={"description": "the feedback left"})
    note = fields.String(allow_none=True)


class RecordedOut(Schema):
    visit = fields.Nested(VisitOut)
    progress = fields.Nested(ProgressOut, metadata={"description": "the household right after this visit"})


class SyncIn(Schema):
    visits = fields.List(fields.Dict(), required=True, validate=validate.Length(1, MAX_BATCH),
                         metadata={"description": f"at most {MAX_BATCH} visits, each as for POST /visits"})


class SyncItemOut(Schema):
    id = fields.String(allow_none=True)
    status = fields.String(validate=one_of("created", "duplicate", "conflict", "invalid", "not_found"))
    errors = messages()
    visit = fields.Nested(VisitOut, allow_none=True)
    progress = fields.Nested(ProgressOut, allow_none=True)


class SyncOut(Schema):
    results = fields.List(fields.Nested(SyncItemOut))


@bp.post("/visits")
@bp.doc(security=BEARER)
@requires(VISITORS)
@bp.arguments(VisitIn)
@bp.response(201, RecordedOut)
@bp.alt_response(200, schema=RecordedOut, description="a replay of a visit already recorded: the first answer")
def create_visit(payload):
    """Record one visit: outcome, material handed out, photo, GPS, signed pledge, feedback, note.

    The same ``id`` with the same content answers 200 with the first answer and
    adds nothing; with other content, 409.
    """
    try:
        recorded = record_visit(current_user(), payload)
    except VisitConflict:
        abort(409, message="这个走访编号已用于另一次内容不同的走访", errors={"id": ["编号冲突"]})
    except VisitRejected as rejected:
        abort(422, message="走访记录有误，请检查后重试", errors=rejected.errors)
    db.session.commit()
    body = {"visit": recorded.visit, "progress": recorded.progress}
    return body if recorded.created else (body, 200)


@bp.post("/sync")
@bp.doc(security=BEARER)
@requires(VISITORS)
@bp.arguments(SyncIn)
@bp.response(200, SyncOut)
def sync(payload):
    """Send visits recorded offline; each is handled on its own and answered with its own status."""
    results = sync_visits(current_user(), payload["visits"], VisitIn().load)
    db.session.commit()
    return {"results": [{"id": r.id, "status": r.status, "errors": translate_messages(r.errors),
                         "visit": r.recorded.visit if r.recorded else None,
                         "progress": r.recorded.progress if r.recorded else None} for r in results]}
