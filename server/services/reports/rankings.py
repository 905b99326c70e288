"""红黑榜: communities and grids ranked by 入户率 and 三有率, with the change since a week ago, and 知晓率 and 满意度
beside them with their respondents."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from models import Area, AreaLevel, Campaign, LedgerArea, LedgerDay
from server.extensions import db
from server.services.ledger.counters import rate
from server.services.registry.areas import areas_under
from server.timefmt import local_today


@dataclass(frozen=True)
class Ranked:
    area: Area
    in_scope: int
    contacted: int
    documented: int
    contact_rate: float | None
    documented_rate: float | None
    contact_rate_week_ago: float | None
    documented_rate_week_ago: float | None
    quiz_respondents: int = 0
    knowledge_rate: float | None = None
    satisfaction_respondents: int = 0
    satisfaction_rate: float | None = None

    @property
    def contact_change(self) -> float | None:
        """Percentage points gained since a week ago."""
        if self.contact_rate is None or self.contact_rate_week_ago is None:
            return None
        return round((self.contact_rate - self.contact_rate_week_ago) * 100, 1)

    @property
    def documented_change(self) -> float | None:
        if self.documented_rate is None or self.documented_rate_week_ago is None:
            return None
        return round((self.documented_rate - self.documented_rate_week_ago) * 100, 1)


def rankings(campaign: Campaign, area: Area, level: AreaLevel, today: dt.date | None = None) -> list[Ranked]:
    """Areas of ``level`` under ``area``, best 入户率 first (三有率 breaks ties).

    A week ago = today's count less the households first contacted (or
    documented) in the last seven days, from the per-day counters.
    """
    today = today or local_today()
    since = today - dt.timedelta(days=6)
    areas = db.session.scalars(areas_under(area, level)).all()
    ids = [a.id for a in areas]
    counters = {r.area_id: r for r in db.session.scalars(select(LedgerArea).where(
        LedgerArea.campaign_id == campaign.id, LedgerArea.area_id.in_(ids)))}
    recent = {row.area_id: row for row in db.session.execute(
        select(LedgerDay.area_id, func.sum(LedgerDay.new_contacted).label("contacted"),
               func.sum(LedgerDay.new_documented).label("documented"))
        .where(LedgerDay.campaign_id == campaign.id, LedgerDay.area_id.in_(ids), LedgerDay.day >= since)
        .group_by(LedgerDay.area_id))}
    ranked = []
    for a in areas:
        c = counters.get(a.id)
        in_scope, contacted, documented = (c.in_scope, c.contacted, c.documented) if c else (0, 0, 0)
        gained = recent.get(a.id)
        ranked.append(Ranked(a, in_scope, contacted, documented, rate(contacted, in_scope),
                             rate(documented, in_scope),
                             rate(contacted - int(gained.contacted or 0) if gained else contacted, in_scope),
                             rate(documented - int(gained.documented or 0) if gained else documented, in_scope),
                             *_opinion(c)))
    return sorted(ranked, key=lambda r: (-(r.contact_rate or 0), -(r.documented_rate or 0), r.area.path))


#: The 红榜 is the first this many of a ranking, the 黑榜 the last this many, once there are twice as many to rank.
PLACES_MARKED = 3


def red_and_black(ranked: list[Ranked]) -> tuple[list[Ranked], list[Ranked]]:
    """The 红榜 (the best ``PLACES_MARKED``) and the 黑榜 (the worst, last first), as the 红黑榜 page marks them."""
    black = ranked[-PLACES_MARKED:][::-1] if len(ranked) > 2 * PLACES_MARKED else []
    return ranked[:PLACES_MARKED], black


def _opinion(counters: LedgerArea | None) -> tuple:
    """知晓率 and 满意度 of a roll-up, each after its respondents: (答题户, 知晓率, 满意度答题户, 满意度)."""
    if counters is None:
        return 0, None, 0, None
    return (counters.quiz_respondents, rate(counters.quiz_passed, counters.quiz_respondents),
            counters.satisfaction_respondents, rate(counters.satisfied, counters.satisfaction_respondents))
