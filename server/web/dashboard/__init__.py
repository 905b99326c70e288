"""The community head's dashboard: coverage, map, building charts, revisits, workers, feedback, 台账, rankings,
two rounds compared.

Heads see their community; street and district admins their street or
district. Anything outside the caller's areas is 404; a worker account gets 403.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user, login_required

from models import Area, Campaign
from server.services.access.scope import area_in_scope, get_area_or_first
from server.services.canvassing.campaign_lookup import campaign_for, campaigns_covering
from server.web.record_ids import query_id

bp = Blueprint("dash", __name__, url_prefix="/dashboard")


@bp.before_request
@login_required
def require_dashboard_role():
    """Only heads and admins; a worker's account cannot open the dashboard."""
    if not current_user.role.may_read_dashboard:
        abort(403, description="网格员和志愿者请使用小程序或手机页面")


@dataclass
class Selection:
    """The campaign and area a page shows, chosen by ``?campaign=&area=`` within the caller's scope."""

    campaign: Campaign
    area: Area
    campaigns: list[Campaign]
    up: Area | None = None  # the area above, when the caller may see it

    def args(self, **extra) -> dict:
        return {"campaign": self.campaign.id, "area": self.area.id, **extra}


def selection(area: Area | None = None) -> Selection:
    """The page's campaign and area: ``area`` if given, else ``?area=`` or the caller's first area."""
    if area is None:
        area = get_area_or_first(current_user, query_id("area"))
    asked = query_id("campaign")
    chosen = _selection(area, asked)
    if chosen is None:
        if asked is None:  # nothing to show yet (a new office's empty database): its campaigns, to make the first
            abort(redirect(url_for("dash.campaigns")))
        abort(404, description="这个区域还没有敲门行动")
    return chosen


def _selection(area: Area, campaign_id: int | None) -> Selection | None:
    campaigns = campaigns_covering(area, drafts=True)
    campaign = campaign_for(area, campaign_id, latest_if_none_active=True, drafts=True)
    if campaign is None:
        return None
    up = area.parent if area.parent is not None and area_in_scope(current_user, area.parent) else None
    return Selection(campaign, area, campaigns, up)


def optional_selection() -> Selection | None:
    """The caller's first area and the campaign it shows, for the navigation of pages that need none (campaigns)."""
    return _selection(current_user.areas[0], None) if current_user.areas else None


def register_views() -> None:
    """Import the view modules, which attach their routes to ``bp``."""
    from . import (areas, assignments, campaigns, checks, exports, feedback, imports, overview,  # noqa: F401
                   positions, quiz, roster, rounds, team, work)

