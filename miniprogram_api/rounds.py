"""Two rounds of canvassing over the same area, side by side, with the change."""
from __future__ import annotations

from flask_smorest import abort
from marshmallow import Schema, fields

from models import AreaLevel
from server.services.access.scope import get_area_or_first, get_campaign
from server.services.reports.rounds import RoundsRefused, compare_rounds

from .blueprint import ApiBlueprint
from .schemas import AreaOut, CountsOut, RatesOut, one_of, record_id
from .security import BEARER, DASHBOARD_READERS, current_user, requires

bp = ApiBlueprint("mp_rounds", __name__, description="轮次对比：同一区域两次活动的入户率、三有率、知晓率、满意度与复核一致率")

class CompareQuery(Schema):
    before = record_id(required=True, metadata={"description": "the earlier campaign (round 1)"})
    after = record_id(required=True, metadata={"description": "the later campaign (round 2)"})
    area = record_id(load_default=None, metadata={"description": "default: the caller's first area"})


class CampaignRefOut(Schema):
    id = fields.Integer()
    name = fields.String()


class RoundRatesOut(RatesOut):
    agreement = fields.Float(allow_none=True, metadata={
        "description": "复核一致率: agreed / checked; null with no check done"})


class RoundFiguresOut(Schema):
    totals = fields.Nested(CountsOut, attribute="counts")
    rates = fields.Nested(RoundRatesOut)
    checked = fields.Integer(metadata={"description": "spot checks done on the round's visits here"})
    agreed = fields.Integer(metadata={"description": "of those, the household confirmed what was recorded"})


class ChangeOut(Schema):
    """after − before, in percentage points; null when either round has no figure."""

    contacted = fields.Float(allow_none=True, metadata={"description": "入户率"})
    documented = fields.Float(allow_none=True, metadata={"description": "三有率"})
    knowledge = fields.Float(allow_none=True, metadata={"description": "知晓率"})
    satisfaction = fields.Float(allow_none=True, metadata={"description": "满意度"})
    agreement = fields.Float(allow_none=True, metadata={"description": "复核一致率"})


class RoundRowOut(Schema):
    id = fields.Integer()
    name = fields.String(metadata={"description": "a grid's name follows its community's"})
    level = fields.String(validate=one_of(*AreaLevel))
    before = fields.Nested(RoundFiguresOut)
    after = fields.Nested(RoundFiguresOut)
    change = fields.Nested(ChangeOut)


class RoundComparisonOut(Schema):
    before = fields.Nested(CampaignRefOut)
    after = fields.Nested(CampaignRefOut)
    area = fields.Nested(AreaOut)
    rows = fields.List(fields.Nested(RoundRowOut), metadata={
        "description": "the area, then each community under it, then each grid, in tree order"})


@bp.get("/rounds/compare")
@bp.doc(security=BEARER)
@requires(DASHBOARD_READERS)  # the dashboard's 轮次对比 answers the same
@bp.arguments(CompareQuery, location="query")
@bp.response(200, RoundComparisonOut)
def compare(query):
    """Two campaigns over one area: 入户率, 三有率, 知晓率, 满意度 and spot-check agreement, for the area, each
    community and each grid, in both rounds, with the change. Both campaigns must cover the area (400 otherwise,
    and for the same campaign twice); a campaign or area outside the caller's scope is 404.
    """
    user = current_user()
    area = get_area_or_first(user, query["area"])
    before, after = get_campaign(user, query["before"]), get_campaign(user, query["after"])
    try:
        return compare_rounds(before, after, area)
    except RoundsRefused as refused:
        abort(400, message=str(refused))
