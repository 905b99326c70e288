"""The walk list and the door card a worker sees after scanning."""
from __future__ import annotations

from flask import request
from flask_smorest import abort
from marshmallow import Schema, fields, pre_dump, validate

from models import Area, Campaign, FeedbackCategory, FeedbackStatus, Occupancy, Outcome
from server.services.access.audit import record_read
from server.services.access.scope import get_grid
from server.services.canvassing.campaign_lookup import campaign_for
from server.services.canvassing.walk_list import MAX_LIMIT, STATES, BadCursor, door_card, household_by_scan, walk_list
from server.services.ledger import counters as ledger
from server.services.privacy.household_views import HOUSEHOLD_VIEWS, household_view

from .blueprint import ApiBlueprint
from .schemas import ProgressOut, enum_value, one_of, record_id
from .security import BEARER, current_user, requires

bp = ApiBlueprint("mp_households", __name__, description="走访清单与扫码")


class WalkQuery(Schema):
    grid_id = record_id(required=True)
    campaign_id = record_id(required=True)
    state = fields.String(load_default="todo", validate=validate.OneOf(STATES),
                          metadata={"description": "todo: not yet visited; revisit: not home last time; "
                                                   "done: visited; all"})
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIMIT))


class HouseholdFields(Schema):
    """Every field of a household some reader is shown, typed. Each schema below keeps those of its reader, as
    ``HOUSEHOLD_VIEWS`` (server/services/privacy/household_views.py) lists them, and is dumped from them."""

    VIEW = ""
    id = fields.Integer()
    label = fields.String(metadata={"description": "e.g. 3栋2单元501"})
    community = fields.String()
    grid = fields.String()
    building = fields.String()
    unit = fields.String()
    floor = fields.Integer(allow_none=True)
    room = fields.String()
    occupancy = fields.String(validate=one_of(*Occupancy))
    head_name = fields.String(allow_none=True, metadata={"description": "masked: 张**"})
    head_phone = fields.String(allow_none=True, metadata={"description": "masked: 138****5678"})

    @pre_dump
    def shape(self, household, **kwargs):
        return household_view(household, self.VIEW)


class WalkItemOut(HouseholdFields):
    """A household of the walk list, with its progress."""

    VIEW = "worker"
    progress = fields.Nested(ProgressOut)
    mine = fields.Boolean(metadata={"description": "assigned to the reader: listed first"})
    whose = fields.String(metadata={"description": "whose door it is: 我的, the assignee's masked name (张**), "
                                                   "or 未分配"})

    class Meta:
        fields = (*HOUSEHOLD_VIEWS["worker"], "progress", "mine", "whose")

    @pre_dump
    def shape(self, item, **kwargs):
        household, progress, whose, mine = item
        return {**household_view(household, self.VIEW), "progress": ledger.snapshot(household, progress),
                "mine": mine, "whose": whose}


class WalkPageOut(Schema):
    items = fields.List(fields.Nested(WalkItemOut))
    next_cursor = fields.String(allow_none=True, metadata={"description": "pass back for the next page; null: last"})


class ScanQuery(Schema):
    campaign_id = record_id(load_default=None)


class MaterialCountOut(Schema):
    code = fields.String(attribute="material.code")
    quantity = fields.Integer()


class VisitSummaryOut(Schema):
    id = fields.String()
    outcome = enum_value(Outcome)
    visited_at = fields.AwareDateTime()
    worker = fields.String(attribute="worker.name", metadata={"description": "who knocked"})
    materials = fields.List(fields.Nested(MaterialCountOut))
    has_photo = fields.Boolean()
    pledged = fields.Boolean()

    @pre_dump
    def summarise(self, visit, **kwargs):
        return {"id": visit.id, "outcome": visit.outcome, "visited_at": visit.visited_at, "worker": visit.worker,
                "materials": visit.materials, "has_photo": visit.photo_file_id is not None,
                "pledged": bool(visit.pledges)}


class FeedbackOut(Schema):
    id = fields.Integer()
    category = enum_value(FeedbackCategory)
    category_label = fields.String(attribute="category.label", metadata={"description": "the category in Chinese"})
    text = fields.String()
    status = enum_value(FeedbackStatus)
    created_at = fields.AwareDateTime()


class DoorHouseholdOut(HouseholdFields):
    """The household on the card a worker sees after scanning its door."""

    VIEW = "worker_door"

    class Meta:
        fields = HOUSEHOLD_VIEWS["worker_door"]


class DoorCardOut(Schema):
    household = fields.Nested(DoorHouseholdOut)
    campaign_id = fields.Integer(allow_none=True)
    progress = fields.Nested(ProgressOut)
    last_visits = fields.List(fields.Nested(VisitSummaryOut))
    open_feedback = fields.List(fields.Nested(FeedbackOut))


def _campaign_for(area: Area, campaign_id: int | None) -> Campaign | None:
    campaign = campaign_for(area, campaign_id)
    if campaign is None and campaign_id is not None:
        abort(404, message="没有这个活动，或它不覆盖这里")
    return campaign


@bp.get("/households")
@bp.doc(security=BEARER)
@requires()
@bp.arguments(WalkQuery, location="query")
@bp.response(200, WalkPageOut)
def walk(query):
    """The walk list of a grid: the reader's assigned doors first, each part in door order (building, unit, floor,
    room), each door with its progress and whose it is. Any door of the grid may still be recorded."""
    grid = get_grid(current_user(), query["grid_id"])
    campaign = _campaign_for(grid, query["campaign_id"])
    try:
        page = walk_list(grid, campaign, query["state"], query["cursor"], query["limit"], reader=current_user())
    except BadCursor:
        abort(400, message="翻页参数无效，请从第一页重新加载", errors={"cursor": ["无效"]})
    return {"items": [(h, p, page.whose[h.id], h.id in page.mine) for h, p in page.items],
            "next_cursor": page.next_cursor}


@bp.route("/households/by-qr/<path:scanned>", methods=["GET"], merge_slashes=False)
@bp.doc(security=BEARER)
@requires()
@bp.arguments(ScanQuery, location="query")
@bp.response(200, DoorCardOut)
def by_qr(query, scanned):
    """What the worker sees after scanning a door: the household, its progress, last visits, open feedback.

    ``scanned`` is the bare door token or the whole scanned URL (``…/q/<token>``).
    """
    household = household_by_scan(current_user(), scanned)
    campaign = _campaign_for(household.building.grid, query["campaign_id"])
    card = door_card(household, campaign)
    record_read(current_user(), "view_household", "household", household.id, {"via": "scan"}, request.remote_addr)
    return {"household": card.household, "campaign_id": campaign.id if campaign else None,
            "progress": ledger.snapshot(card.household, card.progress),
            "last_visits": card.last_visits, "open_feedback": card.open_feedback}
