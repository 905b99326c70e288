"""The figures of an area's monthly report (通报), each read from where the project already counts it.

Coverage is the live ledger (``ledger_view``) as of the moment the report is made; the month's trend is
rebuilt from the per-day counters: a rate as of a past day is today's count less the households first
contacted (or documented) after that day, over the households in scope now. The 红黑榜 is the ranking the
dashboard shows, the checks their agreement, feedback and material the overview's counts, narrowed to the month.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from models import Area, AreaLevel, Campaign, LedgerDay, utcnow
from server.extensions import db
from server.services.ledger.counters import LedgerRow, LedgerView, ledger_view, rate
from server.services.reports.agreement import Agreement, agreement
from server.services.reports.coverage import Span, feedback_totals, material_totals
from server.services.reports.rankings import Ranked, rankings, red_and_black
from server.timefmt import SHANGHAI, local_today

#: The level the 红黑榜 ranks, by the report's area: communities under a district or a street (as the 红黑榜 page
#: does), grids under a community; a grid has none.
RANKED_LEVEL = {AreaLevel.DISTRICT: AreaLevel.COMMUNITY, AreaLevel.STREET: AreaLevel.COMMUNITY,
                AreaLevel.COMMUNITY: AreaLevel.GRID}


class MonthNotStarted(ValueError):
    """The month asked for has not begun (Beijing time): it has no figures yet."""


@dataclass
class TrendDay:
    """One day of the month: what happened that day, and the cumulative 入户率 and 三有率 at its end."""

    day: dt.date
    visits: int
    contacts: int
    contacted: int
    documented: int
    contact_rate: float | None
    documented_rate: float | None


@dataclass
class RankedLine:
    """A place on the 红榜 or 黑榜, and why it is there, in a sentence."""

    place: int
    ranked: Ranked
    name: str
    reason: str


@dataclass
class MaterialLine:
    code: str
    name: str
    this_month: int
    to_date: int
    planned: int | None  # how many the campaign printed, when the office said so

    @property
    def used_rate(self) -> float | None:
        """Handed out to date under the area, over the campaign's printed quantity."""
        return rate(self.to_date, self.planned or 0)


@dataclass
class MonthlyFigures:
    campaign: Campaign
    area: Area
    month: dt.date  # its first day
    made_at: dt.datetime
    ledger: LedgerView
    trend: list[TrendDay]
    children_title: str
    ranking_title: str | None
    ranking: list[Ranked]
    red: list[RankedLine]
    black: list[RankedLine]
    checks_by_grid: list[Agreement]
    checks_by_worker: list[Agreement]
    feedback: dict[str, int]  # status → opinions left in the month, by where they stand now
    materials: list[MaterialLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.area.name} {self.month.year}年{self.month.month}月 垃圾分类敲门行动通报"

    @property
    def totals(self) -> dict[str, int]:
        """The area's ledger counters, as ``ledger_view`` gives them."""
        return self.ledger.node.counts

    @property
    def rates(self) -> dict[str, float | None]:
        return self.ledger.node.rates

    @property
    def children(self) -> list[LedgerRow]:
        return self.ledger.children

    @property
    def checks(self) -> Agreement:
        """The month's checks in the whole area."""
        total = Agreement("合计")
        for grid in self.checks_by_grid:
            total.checked, total.agreed = total.checked + grid.checked, total.agreed + grid.agreed
            total.found_false += grid.found_false
        return total

    @property
    def feedback_received(self) -> int:
        return sum(self.feedback.values())

    @property
    def feedback_handled(self) -> int:
        """Opinions of the month replied to or closed (办结)."""
        return self.feedback_received - self.feedback.get("open", 0)


def month_span(month: dt.date) -> Span:
    """The Beijing month holding ``month``, as a UTC span: midnight of its first day to that of the next month's."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return (dt.datetime.combine(first, dt.time(), SHANGHAI).astimezone(dt.timezone.utc),
            dt.datetime.combine(following, dt.time(), SHANGHAI).astimezone(dt.timezone.utc))


def _last_day(month: dt.date, today: dt.date) -> dt.date:
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return min(following - dt.timedelta(days=1), today)


def coverage_trend(campaign: Campaign, area: Area, node: LedgerRow, month: dt.date, today: dt.date) -> list[TrendDay]:
    """Each day of the month up to ``today``: its visits and contacts, and the cumulative 入户率 and 三有率 that day."""
    rows = db.session.scalars(select(LedgerDay).where(LedgerDay.campaign_id == campaign.id,
                                                      LedgerDay.area_id == area.id, LedgerDay.day >= month))
    by_day = {row.day: row for row in rows}
    in_scope = node.counts["in_scope"]
    # Contacted (documented) at the end of a day = now, less what was first contacted (documented) after it.
    contacted, documented = node.counts["contacted"], node.counts["documented"]
    last = _last_day(month, today)
    for day, row in by_day.items():
        if day > last:
            contacted, documented = contacted - row.new_contacted, documented - row.new_documented
    days, day = [], last
    while day >= month:
        row = by_day.get(day)
        days.append(TrendDay(day, row.visits if row else 0, row.contacts if row else 0, contacted, documented,
                             rate(contacted, in_scope), rate(documented, in_scope)))
        if row:
            contacted, documented = contacted - row.new_contacted, documented - row.new_documented
        day -= dt.timedelta(days=1)
    return days[::-1]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _reason(ranked: Ranked, red: bool) -> str:
    """Why an area is on the 红榜 (black: 黑榜): its 入户率 and 三有率, their change in a week, and opinion."""
    parts = [f"入户率{'居前' if red else '居后'}（{_percent(ranked.contact_rate)}）",
             f"三有率 {_percent(ranked.documented_rate)}"]
    if ranked.contact_change is not None:
        parts.append(f"入户率较上周 {ranked.contact_change:+.1f} 个百分点")
    if ranked.quiz_respondents:
        parts.append(f"知晓率 {_percent(ranked.knowledge_rate)}")
    if ranked.satisfaction_respondents:
        parts.append(f"满意度 {_percent(ranked.satisfaction_rate)}")
    return "，".join(parts)


def _name(ranked: Ranked) -> str:
    area = ranked.area
    return f"{area.parent.name} · {area.name}" if area.level is AreaLevel.GRID and area.parent else area.name


def monthly_figures(campaign: Campaign, area: Area, month: dt.date, today: dt.date | None = None) -> MonthlyFigures:
    """The figures of ``area``'s report on ``campaign`` for the month holding ``month`` (Beijing days).

    Raises:
        MonthNotStarted: the month begins after ``today`` (default: today in Beijing).
    """
    today = today or local_today()
    month = month.replace(day=1)
    if month > today:
        raise MonthNotStarted(f"{month.year}年{month.month}月尚未开始")
    span, view = month_span(month), ledger_view(campaign, area)
    level = RANKED_LEVEL.get(area.level)
    ranked = rankings(campaign, area, level, today=today) if level else []  # now, as the ledger's figures
    red, black = red_and_black(ranked)
    by_worker, by_grid = agreement(campaign, area, span)
    to_date = {code: n for code, _, n in material_totals(campaign, area)}
    planned = {m.code: m.planned_quantity for m in campaign.materials}
    materials = [MaterialLine(code, name, n, to_date.get(code, 0), planned.get(code))
                 for code, name, n in material_totals(campaign, area, span)]
    return MonthlyFigures(
        campaign, area, month, utcnow(), view, coverage_trend(campaign, area, view.node, month, today),
        area.level.child.label if area.level.child else "楼栋", level.label if level else None, ranked,
        [RankedLine(place, r, _name(r), _reason(r, True)) for place, r in enumerate(red, 1)],
        [RankedLine(len(ranked) + 1 - place, r, _name(r), _reason(r, False)) for place, r in enumerate(black, 1)],
        by_grid, by_worker, feedback_totals(campaign, area, span), materials)

