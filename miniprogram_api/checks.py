"""Spot checks (复核) on the checker's phone: the checks assigned to me, and what the household said."""
from __future__ import annotations

from flask_smorest import abort
from marshmallow import Schema, fields, validate

from models import CheckReason
from server.extensions import db
from server.services.access.scope import get_spot_check
from server.services.checks import CheckAlreadyDone, CheckInputError, checks_of, describe, record_check

from .blueprint import ApiBlueprint
from .schemas import enum_value
from .security import BEARER, current_user, requires

bp = ApiBlueprint("mp_checks", __name__, description="复核：分配给我的复核任务与入户核实结果")


class ChecksQuery(Schema):
    done = fields.Boolean(load_default=False, metadata={"description": "true: the checks I have done"})


class CheckOut(Schema):
    id = fields.Integer(attribute="check.id")
    reason = enum_value(CheckReason, attribute="check.reason")
    visit_id = fields.String(attribute="check.visit_id")
    household_id = fields.Integer(attribute="household.id")
    household_label = fields.String(attribute="household.label")
    visited_at = fields.DateTime(attribute="check.visit.visited_at")
    worker_name = fields.String()
    materials = fields.List(fields.String(), metadata={"description": "material recorded as handed out"})
    pledged_at_visit = fields.Boolean()
    checked_at = fields.DateTime(attribute="check.checked_at", allow_none=True)
    visited = fields.Boolean(attribute="check.visited", allow_none=True)
    material_received = fields.Boolean(attribute="check.material_received", allow_none=True)
    signed_themselves = fields.Boolean(attribute="check.signed_themselves", allow_none=True)
    agrees = fields.Boolean(attribute="check.agrees", allow_none=True)


class CheckListOut(Schema):
    checks = fields.List(fields.Nested(CheckOut))


class CheckLocationIn(Schema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lng = fields.Float(required=True, validate=validate.Range(-180, 180))


class CheckResultIn(Schema):
    """What the household said. ``client_id`` is a UUID made by the phone: sending it again is safe."""

    client_id = fields.UUID(required=True)
    visited = fields.Boolean(required=True, metadata={"description": "有人来过吗"})
    material_received = fields.Boolean(load_default=None, allow_none=True, metadata={"description": "收到材料了吗"})
    signed_themselves = fields.Boolean(load_default=None, allow_none=True, metadata={"description": "是本人签字吗"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    photo_file_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32),
                                  metadata={"description": "a photo uploaded to /files by the checker"})
    location = fields.Nested(CheckLocationIn, load_default=None, allow_none=True)


@bp.get("/checks")
@bp.doc(security=BEARER)
@requires()
@bp.arguments(ChecksQuery, location="query")
@bp.response(200, CheckListOut)
def my_checks(query):
    """The checks assigned to me (to do, or with ``done=true`` done); never anyone else's."""
    return {"checks": [describe(check) for check in checks_of(current_user(), done=query["done"])]}


@bp.get("/checks/<int:check_id>")
@bp.doc(security=BEARER)
@requires()
@bp.response(200, CheckOut)
def one_check(check_id: int):
    """One check assigned to me; 404 for a check assigned to someone else."""
    return describe(get_spot_check(current_user(), check_id))


@bp.post("/checks/<int:check_id>/result")
@bp.doc(security=BEARER)
@requires()
@bp.arguments(CheckResultIn)
@bp.response(201, CheckOut)
@bp.alt_response(200, schema=CheckOut, description="a replay of a result already recorded: the check as it stands")
def check_result(payload, check_id: int):
    """Record what the household said. "Nobody came" marks the visit false: it leaves the 入户 and 三有 counts."""
    user = current_user()
    check = get_spot_check(user, check_id)
    location = payload.pop("location") or {}
    form = {**payload, "client_id": str(payload["client_id"]), **location}
    try:
        created = record_check(check, user, form)
    except CheckInputError as bad:
        abort(422, message="复核记录有误，请检查后重试", errors={k: [v] for k, v in bad.errors.items()})
    except CheckAlreadyDone:
        abort(409, message="这项复核已经记录过了", errors={"client_id": ["已有另一份复核记录"]})
    db.session.commit()
    card = describe(check)
    return card if created else (card, 200)
