"""Spot-check agreement: of the checks done on a campaign's visits in an area, how many the household confirmed.

Read here, in the reports room, so that every report (the check board, the round comparison) counts it alike;
the checks room records the checks (``server/services/checks``).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import Area, Campaign, Household, SpotCheck, User, Visit
from server.extensions import db
from server.services.ledger import rate
from server.services.reports.coverage import Span, households_under_clause


def checks_under(campaign: Campaign, area: Area):
    """The spot checks of the campaign's visits to households under ``area``, done or not, as a query."""
    return (select(SpotCheck).join(Visit, Visit.id == SpotCheck.visit_id)
            .where(Visit.campaign_id == campaign.id, Visit.household_id.in_(households_under_clause(area))))


@dataclass
class Agreement:
    name: str
    area_id: int | None = None  # the grid's, in the per-grid list
    checked: int = 0
    agreed: int = 0
    found_false: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.agreed, self.checked)


def agreement(campaign: Campaign, area: Area, span: Span | None = None) -> tuple[list[Agreement], list[Agreement]]:
    """The agreement rate of the checks done in ``area`` (done within ``span``, if given): per worker, and per grid."""
    by_worker: dict[int, Agreement] = {}
    by_grid: dict[int, Agreement] = {}
    done = checks_under(campaign, area).where(SpotCheck.checked_at.is_not(None))
    if span is not None:
        done = done.where(SpotCheck.checked_at >= span[0], SpotCheck.checked_at < span[1])
    rows = db.session.execute(
        done.join(User, User.id == Visit.worker_id).join(Household, Household.id == Visit.household_id)
        .add_columns(User, Household)).all()
    for check, worker, household in rows:
        grid = household.building.grid
        for total in (by_worker.setdefault(worker.id, Agreement(worker.name)),
                      by_grid.setdefault(grid.id, Agreement(f"{grid.parent.name} · {grid.name}", grid.id))):
            total.checked += 1
            total.agreed += int(bool(check.agrees))
            total.found_false += int(check.visited is False)
    return (sorted(by_worker.values(), key=lambda a: a.name), sorted(by_grid.values(), key=lambda a: a.name))
