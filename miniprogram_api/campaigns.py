"""The campaigns a worker canvasses for: materials and the pledge text to be signed."""
from __future__ import annotations

from marshmallow import Schema, fields

from models import CampaignStatus
from server.services.canvassing.campaign_lookup import campaigns_covering

from .blueprint import ApiBlueprint
from .schemas import enum_value
from .security import BEARER, current_user, requires

bp = ApiBlueprint("mp_campaigns", __name__, description="敲门行动")


class CampaignQuery(Schema):
    active = fields.Boolean(load_default=False, metadata={"description": "1: only campaigns under way"})


class MaterialOut(Schema):
    code = fields.String()
    name = fields.String()
    planned_quantity = fields.Integer(allow_none=True, metadata={"description": "copies printed, when said"})


class NoticeTextOut(Schema):
    version = fields.Integer()
    body = fields.String()
    sha256 = fields.String()


class PledgeTextOut(Schema):
    version = fields.Integer()
    title = fields.String()
    body = fields.String()
    sha256 = fields.String()


class QuizQuestionOut(Schema):
    text = fields.String()
    options = fields.List(fields.String())
    answer = fields.Integer(metadata={"description": "the correct option (0-based), for the worker's form"})


class QuizOut(Schema):
    version = fields.Integer()
    questions = fields.List(fields.Nested(QuizQuestionOut))
    pass_mark = fields.Integer(metadata={"description": "correct answers needed to count as knowing (知晓)"})
    satisfaction_question = fields.String(allow_none=True)
    satisfaction_options = fields.List(fields.String(), metadata={"description": "most satisfied first"})


class CampaignOut(Schema):
    id = fields.Integer()
    name = fields.String()
    area_id = fields.Integer()
    start_date = fields.Date()
    end_date = fields.Date()
    status = enum_value(CampaignStatus)
    materials = fields.List(fields.Nested(MaterialOut))
    pledge_text = fields.Nested(PledgeTextOut, attribute="current_pledge_text", allow_none=True)
    notice_text = fields.Nested(NoticeTextOut, attribute="current_notice_text", allow_none=True,
                                metadata={"description": "the 告知书, latest version"})
    quiz = fields.Nested(QuizOut, attribute="current_quiz", allow_none=True,
                         metadata={"description": "the quiz and satisfaction question to ask, latest version"})


@bp.get("/campaigns")
@bp.doc(security=BEARER)
@requires()
@bp.arguments(CampaignQuery, location="query")
@bp.response(200, CampaignOut(many=True))
def list_campaigns(query):
    """The campaigns over the caller's areas (never a draft: workers see a campaign once it is started), with their
    materials and current notice and pledge texts."""
    found = {}
    for area in current_user().areas:
        for campaign in campaigns_covering(area, active_only=query["active"]):
            found[campaign.id] = campaign
    return list(found.values())
