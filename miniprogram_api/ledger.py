"""The live coverage ledger of an area."""
from __future__ import annotations

from flask_smorest import abort
from marshmallow import Schema, fields

from models import AreaLevel
from server.services.access.scope import get_area_or_first
from server.services.canvassing.campaign_lookup import campaign_for
from server.services.ledger.counters import ledger_view

from .blueprint import ApiBlueprint
from .schemas import CountsOut, RatesOut, one_of, record_id
from .security import BEARER, current_user, requires

bp = ApiBlueprint("mp_ledger", __name__, description="入户宣传台账")


class LedgerQuery(Schema):
    campaign_id = record_id(required=True)
    area_id = record_id(load_default=None, metadata={"description": "default: the caller's first area"})


class LedgerAreaOut(Schema):
    id = fields.Integer()
    name = fields.String()
    level = fields.String(allow_none=True, validate=one_of(*AreaLevel))


class LedgerRowOut(Schema):
    kind = fields.String(validate=one_of("area", "building"))
    id = fields.Integer()
    name = fields.String()
    level = fields.String(allow_none=True, validate=one_of(*AreaLevel), metadata={"description": "null for a building"})
    totals = fields.Nested(CountsOut, attribute="counts")
    rates = fields.Nested(RatesOut)


class LedgerOut(Schema):
    campaign_id = fields.Integer(attribute="campaign.id")
    area = fields.Nested(LedgerAreaOut, attribute="node")
    totals = fields.Nested(CountsOut, attribute="node.counts")
    rates = fields.Nested(RatesOut, attribute="node.rates")
    children = fields.List(fields.Nested(LedgerRowOut))


@bp.get("/ledger")
@bp.doc(security=BEARER)
@requires()
@bp.arguments(LedgerQuery, location="query")
@bp.response(200, LedgerOut)
def ledger(query):
    """The coverage of an area in a campaign, and of each child area (or each building, for a grid).

    Rates divide by households in scope (every household not confirmed vacant). The cost grows with the
    children shown, not with the households beneath.
    """
    user = current_user()
    area = get_area_or_first(user, query["area_id"])
    campaign = campaign_for(area, query["campaign_id"])
    if campaign is None:
        abort(404, message="没有这个活动，或它不覆盖这个区域")
    return ledger_view(campaign, area)
