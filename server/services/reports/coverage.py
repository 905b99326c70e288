"""The head's overview: headline figures, drill-down, daily trend, material and feedback counts.

Headline and drill-down come from the live ledger's counters; the trend from
the per-day counters; material and feedback are counted for the area shown.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from models import (DAY_COUNTERS, Area, Building, Campaign, Feedback, FeedbackStatus, Household, LedgerDay, Visit,
                    VisitMaterial)
from server.extensions import db
from server.services.ledger.counters import LedgerView, ledger_view
from server.services.registry.areas import grid_ids_under
from server.timefmt import local_today


@dataclass
class Overview:
    ledger: LedgerView
    materials: list[tuple[str, str, int]]  # (code, name, quantity handed out)
    feedback: dict[str, int]               # status → count
    trend: list[dict]                      # one row a day of the campaign: day, visits, contacts, pledges


def households_under_clause(area: Area):
    """The households under ``area``, as a subquery of ids, for counting what belongs to them."""
    buildings = select(Building.id).where(Building.grid_id.in_(grid_ids_under(area)))
    return select(Household.id).where(Household.building_id.in_(buildings))


#: A span of time, from (kept) to (left out), both UTC: e.g. a Beijing month (``monthly_figures.month_span``).
Span = tuple[dt.datetime, dt.datetime]


def material_totals(campaign: Campaign, area: Area, span: Span | None = None) -> list[tuple[str, str, int]]:
    """How many of each campaign material were handed out under ``area`` (on visits within ``span``, if given)."""
    query = (select(VisitMaterial.material_id, func.sum(VisitMaterial.quantity))
             .join(Visit, Visit.id == VisitMaterial.visit_id)
             .where(Visit.campaign_id == campaign.id, Visit.household_id.in_(households_under_clause(area))))
    if span is not None:
        query = query.where(Visit.visited_at >= span[0], Visit.visited_at < span[1])
    handed = dict(db.session.execute(query.group_by(VisitMaterial.material_id)).all())
    return [(m.code, m.name, int(handed.get(m.id, 0))) for m in campaign.materials]


def feedback_totals(campaign: Campaign, area: Area, span: Span | None = None) -> dict[str, int]:
    """The opinions left under ``area`` (within ``span``, if given), counted by where they stand now."""
    query = (select(Feedback.status, func.count(Feedback.id))
             .where(Feedback.campaign_id == campaign.id, Feedback.household_id.in_(households_under_clause(area))))
    if span is not None:
        query = query.where(Feedback.created_at >= span[0], Feedback.created_at < span[1])
    counts = dict(db.session.execute(query.group_by(Feedback.status)).all())
    return {status.value: counts.get(status, 0) for status in FeedbackStatus}


def daily_trend(campaign: Campaign, area: Area, today: dt.date | None = None) -> list[dict]:
    """Visits, contacts and pledges a day, over the campaign's period up to today."""
    rows = {r.day: r for r in db.session.scalars(select(LedgerDay).where(
        LedgerDay.campaign_id == campaign.id, LedgerDay.area_id == area.id))}
    end = min(campaign.end_date, today or local_today())
    days, day = [], campaign.start_date
    while day <= end:
        row = rows.get(day)
        days.append({"day": day.isoformat(), **{name: getattr(row, name) if row else 0 for name in DAY_COUNTERS}})
        day += dt.timedelta(days=1)
    return days


def overview(campaign: Campaign, area: Area) -> Overview:
    """Everything the overview page shows for ``area`` in ``campaign``."""
    return Overview(ledger_view(campaign, area), material_totals(campaign, area), feedback_totals(campaign, area),
                    daily_trend(campaign, area))
