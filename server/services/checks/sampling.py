"""Drawing a spot-check sample (复核抽样): a share of each worker's contacted visits, reproducible from its seed.

Field-survey practice (back-checks) re-visits 10–20 % of records, stratified by enumerator, flagged ones
included. Here: ``share`` of each worker's contacted visits in the area, at least ``minimum`` each (all
of them if fewer), plus every visit flagged in the worker's activity and every visit a resident disputed.
The seed and parameters are kept on the round: the same seed over the same visits draws the same sample.
"""
from __future__ import annotations

import math
import random
from collections import defaultdict

from sqlalchemy import select

from models import Area, Campaign, CheckReason, Outcome, SpotCheck, SpotCheckRound, User, Visit
from server.extensions import db
from server.services.reports import flags
from server.services.reports.coverage import households_under_clause

DEFAULT_SHARE, DEFAULT_MINIMUM = 0.10, 2


class CheckerIsTheWorker(ValueError):
    """A visit cannot be checked by the worker who recorded it."""


def sample_visits(by_worker: dict[int, list[str]], seed: int, share: float = DEFAULT_SHARE,
                  minimum: int = DEFAULT_MINIMUM) -> list[str]:
    """The visit ids drawn: per worker (in id order), ``max(minimum, ceil(share × n))`` of their n visits, or all."""
    rng = random.Random(seed)
    drawn: list[str] = []
    for worker_id in sorted(by_worker):
        ids = sorted(by_worker[worker_id])
        size = min(len(ids), max(minimum, math.ceil(share * len(ids))))
        drawn += sorted(rng.sample(ids, size))
    return drawn


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**31)


def _already_checked() -> select:
    return select(SpotCheck.visit_id)


def draw_round(campaign: Campaign, area: Area, head: User, *, seed: int | None = None, share: float = DEFAULT_SHARE,
               minimum: int = DEFAULT_MINIMUM, checkers: list[User] | None = None) -> SpotCheckRound:
    """Draw a round for ``campaign`` in ``area``: the sample, the flagged visits, the disputed ones in the queue.

    Visits already in a check (or found false) are not drawn again. Each check goes to the first of
    ``checkers`` (default: the head) in turn who is not its worker; none fits: left for the head to assign.
    Flushes.
    """
    seed = new_seed() if seed is None else seed
    contacted = db.session.execute(
        select(Visit.id, Visit.worker_id).where(
            Visit.campaign_id == campaign.id, Visit.household_id.in_(households_under_clause(area)),
            Visit.outcome == Outcome.CONTACTED, Visit.found_false_at.is_(None),
            Visit.id.not_in(_already_checked()))).all()
    by_worker: dict[int, list[str]] = defaultdict(list)
    for visit_id, worker_id in contacted:
        by_worker[worker_id].append(visit_id)
    round_ = SpotCheckRound(campaign_id=campaign.id, area_id=area.id, seed=seed, share=share, minimum=minimum,
                            population=len(contacted), drawn_by_id=head.id)
    db.session.add(round_)
    db.session.flush()
    chosen: dict[str, CheckReason] = {visit_id: CheckReason.SAMPLE for visit_id in sample_visits(
        by_worker, seed, share, minimum)}
    checked = set(db.session.scalars(_already_checked()))
    for flag in flags(campaign, area):
        for visit in flag.visits:
            if visit.id not in checked and visit.found_false_at is None:
                chosen[visit.id] = CheckReason.DISPUTED if flag.kind == "disputed" else CheckReason.FLAGGED
    queued = db.session.scalars(select(SpotCheck).join(Visit, Visit.id == SpotCheck.visit_id).where(
        SpotCheck.round_id.is_(None), Visit.campaign_id == campaign.id,
        Visit.household_id.in_(households_under_clause(area)))).all()
    pool = checkers or [head]
    turn = 0
    workers = dict(db.session.execute(select(Visit.id, Visit.worker_id).where(Visit.id.in_(list(chosen)))).all())
    for check in queued:  # a disputed visit waiting in the queue joins this round
        check.round_id = round_.id
    for visit_id, reason in chosen.items():
        checker = None
        for step in range(len(pool)):
            candidate = pool[(turn + step) % len(pool)]
            if candidate.id != workers[visit_id]:
                checker, turn = candidate, turn + step + 1
                break
        db.session.add(SpotCheck(round_id=round_.id, visit_id=visit_id, reason=reason,
                                 checker_id=checker.id if checker else None))
    for check in queued:
        if check.checker_id is None:
            fitting = [c for c in pool if c.id != check.visit.worker_id]
            check.checker_id = fitting[0].id if fitting else None
    db.session.flush()
    return round_


def assign_checker(check: SpotCheck, checker: User) -> SpotCheck:
    """Give ``check`` to ``checker``; never to the visit's own worker. Flushes."""
    if checker.id == check.visit.worker_id:
        raise CheckerIsTheWorker(check.id)
    check.checker_id = checker.id
    db.session.flush()
    return check
