"""Which campaign: the campaigns over an area (above or beneath it), the one a door, a page or a worker shows,
the ones a person may see; and who may run them.

A draft is seen by heads and admins only; only street and district admins run campaigns, within their areas.
"""
from __future__ import annotations

from sqlalchemy import select

from models import Area, Campaign, CampaignStatus, User
from server.extensions import db
from server.services.access.scope import NOT_FOUND, OutOfScope, area_in_scope, get_campaign, sees_drafts
from server.services.registry.areas import subtree_filter


class CampaignRefused(PermissionError):
    """The caller's role may read campaigns but not run them (a community head, a worker)."""


def may_run_campaigns(user: User | None) -> bool:
    """True for street and district admins, and for the command line (no user)."""
    return user is None or user.role.may_manage_campaigns


def get_run_campaign(user: User, campaign_id: int) -> Campaign:
    """The campaign ``campaign_id`` if the user runs it: an admin whose areas hold the campaign's area.

    Raises:
        OutOfScope: as ``get_campaign``, or the campaign's area lies above the user's (a district's campaign
            seen by a street admin): read it, but its district runs it.
        CampaignRefused: the user may read campaigns but not run them (a head).
    """
    campaign = get_campaign(user, campaign_id)
    if not may_run_campaigns(user):
        raise CampaignRefused()
    if not area_in_scope(user, campaign.area):
        raise OutOfScope(campaign_id, NOT_FOUND["campaign"])
    return campaign


def may_run(user: User, campaign: Campaign) -> bool:
    """True when the user may edit, start, end or delete ``campaign``."""
    return may_run_campaigns(user) and area_in_scope(user, campaign.area)


def campaigns_of(user: User) -> list[Campaign]:
    """Every campaign over, above or beneath the user's areas that the user may see, the latest start first."""
    found = {c.id: c for area in user.areas for c in campaigns_covering(area, drafts=sees_drafts(user))}
    return sorted(found.values(), key=lambda c: (c.start_date, c.id), reverse=True)


def current_campaign(area: Area) -> Campaign | None:
    """The campaign a door, an area or a worker shows when none is asked for: the rule, written here only.

    Of the campaigns covering ``area`` (``campaigns_covering``) that are active (进行中), the one that
    started last; of two that started the same day, the one created last. None when none is active.
    """
    active = campaigns_covering(area, active_only=True)
    return active[0] if active else None


def campaign_for(area: Area, campaign_id: int | None = None, latest_if_none_active: bool = False,
                 drafts: bool = False) -> Campaign | None:
    """The campaign a page or answer about ``area`` shows.

    Asked for by id: that campaign if it covers ``area``, whatever its status (a draft only with ``drafts``:
    heads' and admins' pages, see ``sees_drafts``), else None (the caller answers 404: never another
    campaign in its place). Not asked for: ``current_campaign(area)``; with ``latest_if_none_active`` (the
    dashboard, where a closed round's figures stay readable) and none active, the covering campaign that
    started last. None: nothing to show.
    """
    if campaign_id is not None:
        return next((c for c in campaigns_covering(area, drafts=drafts) if c.id == campaign_id), None)
    current = current_campaign(area)
    if current is None and latest_if_none_active:
        covering = campaigns_covering(area, drafts=drafts)
        return covering[0] if covering else None
    return current


def worker_campaign(grids: list[Area]) -> Campaign | None:
    """The campaign a worker canvasses for: ``current_campaign`` of the first of their grids (tree order) having one."""
    return next((c for c in map(current_campaign, grids) if c is not None), None)


def open_campaigns_covering(area: Area) -> list[Campaign]:
    """Campaigns not yet closed over, above or beneath ``area``: their ledgers count its households."""
    return [c for c in campaigns_covering(area, drafts=True) if c.status is not CampaignStatus.CLOSED]


def campaigns_covering(area: Area, active_only: bool = False, drafts: bool = False) -> list[Campaign]:
    """Campaigns run over ``area``, over an area above it, or over an area beneath it; drafts only with ``drafts``
    (for heads and admins, ``sees_drafts``, and for the ledgers kept ready for them)."""
    query = select(Campaign).join(Area, Campaign.area_id == Area.id).where(
        Campaign.area_id.in_(area.ancestor_ids) | subtree_filter(area)
    ).order_by(Campaign.start_date.desc(), Campaign.id.desc())
    if active_only:
        query = query.where(Campaign.status == CampaignStatus.ACTIVE)
    elif not drafts:
        query = query.where(Campaign.status != CampaignStatus.DRAFT)
    return list(db.session.scalars(query))
