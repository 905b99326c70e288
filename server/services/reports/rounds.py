"""Two rounds side by side: the same area in two campaigns (round 1 in October, round 2 in November).

For the area, each community under it and each grid, in tree order: 入户率, 三有率, 知晓率, 满意度 from the
live ledger's roll-ups (``LedgerArea``, read as ``ledger_view`` reads them, rated by ``rates``), and the
spot-check agreement from ``agreement``; with the change from the first round to the second in percentage points.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from models import Area, AreaLevel, Campaign, LedgerArea
from server.extensions import db
from server.services.canvassing.campaign_lookup import campaigns_covering
from server.services.ledger import rate, rates
from server.services.ledger.counters import counters_of
from server.services.registry.areas import subtree_filter
from server.services.registry.door_order import by_code_point

from .agreement import agreement

#: The rates compared, each with the count shown beside it: the households entered (入户率) or documented (三有率),
#: the respondents (知晓率, 满意度), the checks done (复核一致率).
COMPARED = (("contacted", "contacted"), ("documented", "documented"), ("knowledge", "quiz_respondents"),
            ("satisfaction", "satisfaction_respondents"), ("agreement", "checked"))


class RoundsRefused(ValueError):
    """Two campaigns that cannot be compared over the area: the same one twice, or one not covering the area.

    ``str()`` is the Chinese message for the person."""


@dataclass
class RoundFigures:
    """An area's figures in one campaign: the ledger's counters and rates, and the checks done and agreed."""

    counts: dict[str, int]
    checked: int = 0
    agreed: int = 0

    @property
    def rates(self) -> dict[str, float | None]:
        return {**rates(self.counts), "agreement": rate(self.agreed, self.checked)}

    def count(self, name: str) -> int:
        """A ledger counter, or ``checked``/``agreed``."""
        return {"checked": self.checked, "agreed": self.agreed}.get(name, self.counts.get(name, 0))


@dataclass
class RoundRow:
    """One area in both rounds, and the change of each rate (after − before, in percentage points)."""

    id: int
    name: str
    level: str
    before: RoundFigures
    after: RoundFigures
    change: dict[str, float | None] = field(default_factory=dict)


@dataclass
class RoundComparison:
    before: Campaign
    after: Campaign
    area: Area
    rows: list[RoundRow]  # the area, then each community under it, then each grid, each in tree order

    def level(self, level: str) -> list[RoundRow]:
        return [row for row in self.rows if row.level == level and row.id != self.area.id]


def change(before: float | None, after: float | None) -> float | None:
    """``after − before`` in percentage points (rates are fractions to four places); None when either is."""
    return None if before is None or after is None else round((after - before) * 100, 2)


def covers(campaign: Campaign, area: Area) -> bool:
    """True when ``area`` lies within the campaign's area: its whole ledger is the campaign's."""
    return area.is_within(campaign.area)


def rounds_over(area: Area, drafts: bool = False) -> list[Campaign]:
    """The campaigns whose area holds ``area`` (not those beneath it), the latest start first."""
    return [c for c in campaigns_covering(area, drafts=drafts) if covers(c, area)]


def default_rounds(area: Area, drafts: bool = False) -> tuple[Campaign, Campaign] | None:
    """The two latest campaigns over ``area``, the older first; None when there are fewer than two."""
    over = rounds_over(area, drafts)
    return (over[1], over[0]) if len(over) >= 2 else None


def _figures(campaign: Campaign, area: Area, areas: list[Area]) -> dict[int, RoundFigures]:
    """Each area's figures in ``campaign``: its roll-up row, and the checks of its grids summed upwards."""
    held = {row.area_id: row for row in db.session.scalars(select(LedgerArea).where(
        LedgerArea.campaign_id == campaign.id, LedgerArea.area_id.in_([a.id for a in areas])))}
    figures = {a.id: RoundFigures(counters_of(held.get(a.id))) for a in areas}
    parent_of = {a.id: a.parent_id for a in areas}
    _, by_grid = agreement(campaign, area)
    for grid in by_grid:
        for area_id in {grid.area_id, parent_of.get(grid.area_id), area.id} & figures.keys():
            figures[area_id].checked += grid.checked
            figures[area_id].agreed += grid.agreed
    return figures


def compare_rounds(before: Campaign, after: Campaign, area: Area) -> RoundComparison:
    """The area, each community under it and each grid, in round ``before`` and round ``after``, with the change.

    Raises:
        RoundsRefused: the same campaign twice, or ``area`` not within either campaign's area.
    """
    if before.id == after.id:
        raise RoundsRefused("请选择两个不同的活动进行对比")
    for campaign in (before, after):
        if not covers(campaign, area):
            raise RoundsRefused(f"{area.name}不在活动“{campaign.name}”的范围内，不能对比")
    beneath = db.session.scalars(select(Area).where(
        subtree_filter(area), Area.id != area.id, Area.level.in_([AreaLevel.COMMUNITY, AreaLevel.GRID]))
        .order_by(by_code_point(Area.path))).all()
    areas = [area, *sorted(beneath, key=lambda a: a.level is AreaLevel.GRID)]  # stable: tree order within a level
    was, now = _figures(before, area, areas), _figures(after, area, areas)
    rows = []
    for a in areas:
        name = f"{a.parent.name} · {a.name}" if a.level is AreaLevel.GRID and a.id != area.id else a.name
        old, new = was[a.id], now[a.id]
        rows.append(RoundRow(a.id, name, a.level.value, old, new,
                             {key: change(old.rates[key], new.rates[key]) for key, _ in COMPARED}))
    return RoundComparison(before, after, area, rows)
