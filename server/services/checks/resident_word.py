"""The resident's word on the door page: the door's last visit, and 属实 or 没有人来过.

No sign-in: a resident scanning their door code sees only that door's last visit, the worker's name
masked. One answer per visit and browser (a key kept in a cookie); a 没有人来过 queues the visit for
a spot check at once and flags it on the worker's activity.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Campaign, CheckReason, Household, ResidentAnswer, ResidentWord, SpotCheck, Visit
from server.extensions import db
from server.services.privacy.masking import mask_name
from server.timefmt import local_time


class NoVisitToAnswer(LookupError):
    """The visit answered is not this door's last visit (or there is none)."""


@dataclass
class LastVisit:
    visit: Visit
    sentence: str                       # 网格员张*于11月20日19:05来访，发放告知书、承诺书
    answer: ResidentAnswer | None       # this browser's answer, if given


def last_visit(household: Household, campaign: Campaign | None) -> Visit | None:
    """The door's latest visit in the campaign (by the phone's clock), not counting one found false."""
    if campaign is None:
        return None
    return db.session.scalars(select(Visit).where(
        Visit.household_id == household.id, Visit.campaign_id == campaign.id, Visit.found_false_at.is_(None))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())).first()


def sentence(visit: Visit) -> str:
    who = f"{visit.worker.role.label}{mask_name(visit.worker.name)}"
    when = local_time(visit.visited_at, "%m月%d日%H:%M").lstrip("0").replace("月0", "月")
    materials = "、".join(m.material.name for m in visit.materials)
    return f"{who}于{when}来访" + (f"，发放{materials}" if materials else "")


def shown_last_visit(household: Household, campaign: Campaign | None, browser_key: str | None) -> LastVisit | None:
    visit = last_visit(household, campaign)
    if visit is None:
        return None
    answer = db.session.scalars(select(ResidentAnswer).where(
        ResidentAnswer.visit_id == visit.id, ResidentAnswer.browser_key == browser_key)).first() if browser_key else None
    return LastVisit(visit, sentence(visit), answer)


def answer_last_visit(household: Household, campaign: Campaign | None, visit_id: str, browser_key: str,
                      word: ResidentWord) -> tuple[ResidentAnswer, bool]:
    """Keep the browser's answer on the door's last visit; returns (answer, created). A second answer from the
    same browser keeps the first. 没有人来过 queues the visit for a spot check. Flushes.

    Raises:
        NoVisitToAnswer: ``visit_id`` is not the door's last visit.
    """
    visit = last_visit(household, campaign)
    if visit is None or visit.id != visit_id or not browser_key:
        raise NoVisitToAnswer(visit_id)
    existing = db.session.scalars(select(ResidentAnswer).where(
        ResidentAnswer.visit_id == visit.id, ResidentAnswer.browser_key == browser_key)).first()
    if existing is not None:
        return existing, False
    answer = ResidentAnswer(visit_id=visit.id, browser_key=browser_key, word=word)
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:  # the same browser, twice at once
        return db.session.scalars(select(ResidentAnswer).where(
            ResidentAnswer.visit_id == visit.id, ResidentAnswer.browser_key == browser_key)).one(), False
    if word is ResidentWord.DENIED:
        queue_disputed(visit)
    db.session.flush()
    return answer, True


def queue_disputed(visit: Visit) -> SpotCheck:
    """Put ``visit`` in the spot-check queue, unless a check of it is waiting already. Flushes."""
    waiting = db.session.scalars(select(SpotCheck).where(SpotCheck.visit_id == visit.id,
                                                         SpotCheck.checked_at.is_(None))).first()
    if waiting is not None:
        return waiting
    check = SpotCheck(round_id=None, visit_id=visit.id, reason=CheckReason.DISPUTED)
    db.session.add(check)
    db.session.flush()
    return check
