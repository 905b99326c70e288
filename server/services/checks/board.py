"""The head's spot-check board: the queue, the disputed visits, the agreement rates, and who may check."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import Area, Campaign, SpotCheck, SpotCheckRound, User
from server.extensions import db
from server.services.canvassing.team import workers_under
from server.services.checks.results import Disputed, check_queue, disputed_visits
from server.services.reports.agreement import Agreement, agreement


@dataclass
class Board:
    queue: list[SpotCheck]
    disputed: list[Disputed]
    by_worker: list[Agreement]
    by_grid: list[Agreement]
    checkers: list[User]            # who may be given a check: the viewer and the workers under the area
    rounds: list[SpotCheckRound]    # the rounds drawn in the area, newest first


def check_board(campaign: Campaign, area: Area, viewer: User) -> Board:
    """Everything the spot-check page shows for ``campaign`` in ``area``. Raises nothing."""
    by_worker, by_grid = agreement(campaign, area)
    rounds = db.session.scalars(select(SpotCheckRound).where(
        SpotCheckRound.campaign_id == campaign.id, SpotCheckRound.area_id == area.id)
        .order_by(SpotCheckRound.id.desc()).limit(10)).all()
    return Board(check_queue(campaign, area), disputed_visits(campaign, area), by_worker, by_grid,
                 [viewer, *[w for w in workers_under(area) if w.id != viewer.id]], rounds)
