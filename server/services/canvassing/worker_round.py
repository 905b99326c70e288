"""A worker's round: the campaign they canvass for, the grids they walk, the doors their phone keeps for a day
offline, and how long a sign-in on their phone lasts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from models import Area, Campaign, Household, User
from server.services.canvassing.campaign_lookup import campaigns_covering, worker_campaign
from server.services.canvassing.walk_list import worker_doors, worker_grids
from server.services.ledger import counters as ledger


@dataclass
class WorkerRound:
    #: ``campaigns.worker_campaign`` of the grids: None when none of them has an active campaign.
    campaign: Campaign | None
    #: The grids the worker walks, in tree order (``walk_list.worker_grids``).
    grids: list[Area]

    def grid(self, grid_id: int | None) -> Area | None:
        """The grid ``grid_id`` if it is one of the worker's, else their first; None for a worker with no grid."""
        return next((g for g in self.grids if g.id == grid_id), self.grids[0] if self.grids else None)


def worker_round(worker: User) -> WorkerRound:
    """The campaign ``worker`` canvasses for and the grids they walk. Raises nothing."""
    grids = worker_grids(worker)
    return WorkerRound(worker_campaign(grids), grids)


class OfflineDoor(NamedTuple):
    household: Household
    #: The household's progress in the campaign as a phone sees it (``ledger.snapshot``).
    progress: dict


@dataclass
class OfflineCopy:
    worker: User
    campaign: Campaign | None
    #: Every door of the worker's grids in door order; none when there is no campaign to record visits for.
    doors: list[OfflineDoor]


def offline_copy(worker: User) -> OfflineCopy:
    """What ``worker``'s phone keeps for a day offline: their campaign and their doors with each one's progress.
    Raises nothing."""
    campaign = worker_round(worker).campaign
    if campaign is None:
        return OfflineCopy(worker, None, [])
    doors = [OfflineDoor(h, ledger.snapshot(h, p)) for h, p in worker_doors(worker, campaign)]
    return OfflineCopy(worker, campaign, doors)


def session_length(worker: User, now: dt.datetime | None = None) -> dt.timedelta:
    """How long a worker's sign-in on a phone lasts: to the day after the last active campaign over their grids
    ends, and at least a day (a head can end it sooner by deactivating the worker). Raises nothing."""
    ends = [c.end_date for grid in worker_grids(worker) for c in campaigns_covering(grid, active_only=True)]
    if not ends:
        return dt.timedelta(days=1)
    now = now or dt.datetime.now()
    return max(dt.timedelta(days=1), dt.datetime.combine(max(ends), dt.time()) - now + dt.timedelta(days=1))
