"""A campaign's figures for whoever reads them: from the ledger, over the part of its area the reader holds."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from models import Area, Campaign, Household, LedgerArea, User, Visit
from server.extensions import db
from server.services.access.scope import area_in_scope
from server.services.registry.areas import households_under


@dataclass(frozen=True)
class CampaignFigures:
    """A campaign's figures over the part of its area the viewer sees: households, those in scope, contacted,
    pledged, and visits."""

    households: int
    in_scope: int
    contacted: int
    pledged: int
    visits: int


def _seen_areas(campaign: Campaign, viewer: User | None) -> list[Area]:
    """The campaign's whole area for those who hold it; for a head under a street's or district's campaign, their
    own areas beneath it: nobody reads figures of areas outside their own."""
    if viewer is None or area_in_scope(viewer, campaign.area):
        return [campaign.area]
    return [area for area in viewer.areas if area.is_within(campaign.area)]


def campaign_figures(campaigns: Sequence[Campaign], viewer: User | None = None) -> dict[int, CampaignFigures]:
    """Each campaign's figures from the ledger over the areas ``viewer`` sees of it (``_seen_areas``)."""
    if not campaigns:
        return {}
    seen = {c.id: _seen_areas(c, viewer) for c in campaigns}
    area_ids = {a.id for areas in seen.values() for a in areas}
    rows = {(r.campaign_id, r.area_id): r for r in db.session.scalars(
        select(LedgerArea).where(LedgerArea.campaign_id.in_(list(seen)), LedgerArea.area_id.in_(area_ids)))}
    whole = [c.id for c in campaigns if seen[c.id] == [c.area]]
    visits = dict(db.session.execute(select(Visit.campaign_id, func.count(Visit.id))
                                     .where(Visit.campaign_id.in_(whole)).group_by(Visit.campaign_id)).all())
    figures = {}
    for campaign in campaigns:
        counted = [rows[(campaign.id, a.id)] for a in seen[campaign.id] if (campaign.id, a.id) in rows]
        if campaign.id not in visits and campaign.id not in whole:
            visits[campaign.id] = sum(db.session.scalar(
                select(func.count(Visit.id)).where(Visit.campaign_id == campaign.id, Visit.household_id.in_(
                    households_under(area).with_only_columns(Household.id)))) for area in seen[campaign.id])
        figures[campaign.id] = CampaignFigures(*(sum(getattr(r, name) for r in counted) for name in
                                                 ("households", "in_scope", "contacted", "pledged")),
                                               visits.get(campaign.id, 0))
    return figures
