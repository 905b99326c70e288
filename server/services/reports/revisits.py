"""Households due a revisit (``Standing.revisit_due``), with their last attempt, and those not yet visited."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from models import Area, Building, Campaign, Household, HouseholdProgress, Standing, User, Visit
from server.extensions import db
from server.services.registry.areas import grid_ids_under
from server.services.registry.door_order import door_order


@dataclass(frozen=True)
class Revisit:
    household: Household
    grid: Area
    last_visit: Visit | None
    worker: User | None
    attempts: int


def revisits_due(campaign: Campaign, area: Area, limit: int = 5000) -> tuple[int, list[Revisit]]:
    """Households under ``area`` due a revisit (a household confirmed vacant never is), by grid and in door order.

    Returns how many are due, and the first ``limit`` of them.
    """
    progress = HouseholdProgress
    due = (select(Household, Area, progress)
           .join(Building, Household.building_id == Building.id)
           .join(Area, Building.grid_id == Area.id)
           .join(progress, and_(progress.household_id == Household.id, progress.campaign_id == campaign.id))
           .where(Building.grid_id.in_(grid_ids_under(area)), Standing.sql().revisit_due))
    total = db.session.scalar(due.with_only_columns(func.count(Household.id)).order_by(None))
    last_visit_at = (select(Visit.household_id, func.max(Visit.visited_at).label("at"))
                     .where(Visit.campaign_id == campaign.id).group_by(Visit.household_id).subquery())
    rows = db.session.execute(
        due.add_columns(Visit, User)
        .outerjoin(last_visit_at, last_visit_at.c.household_id == Household.id)
        .outerjoin(Visit, and_(Visit.household_id == Household.id, Visit.campaign_id == campaign.id,
                               Visit.visited_at == last_visit_at.c.at))
        .outerjoin(User, User.id == Visit.worker_id)
        .order_by(*door_order())
        .limit(limit)).all()
    seen, revisits = set(), []
    for household, grid, p, visit, worker in rows:
        if household.id in seen:  # two visits at the very same moment: keep one
            continue
        seen.add(household.id)
        revisits.append(Revisit(household, grid, visit, worker, p.visits))
    return total, revisits


def not_yet_visited(campaign: Campaign, area: Area, limit: int = 2000) -> tuple[int, list[tuple[Household, Area]]]:
    """Households under ``area`` nobody has knocked on yet in the campaign (``Standing.to_visit``), in door order.

    Returns the total and the first ``limit`` of them.
    """
    progress = HouseholdProgress
    query = (select(Household, Area)
             .join(Building, Household.building_id == Building.id)
             .join(Area, Building.grid_id == Area.id)
             .outerjoin(progress, and_(progress.household_id == Household.id, progress.campaign_id == campaign.id))
             .where(Building.grid_id.in_(grid_ids_under(area)), Standing.sql().to_visit))
    total = db.session.scalar(query.with_only_columns(func.count(Household.id)).order_by(None))
    rows = db.session.execute(query.order_by(*door_order()).limit(limit)).all()
    return total, [(household, grid) for household, grid in rows]
