"""The coverage target an admin sets for an area in a campaign (e.g. 入户率 95 % by 12月31日) and where today's pace
leads: "按目前进度，截止日预计 82 %"."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from models import Area, AreaLevel, Campaign, CoverageTarget, LedgerArea, User, utcnow
from server.extensions import db
from server.services.access import audit
from server.services.access.scope import NOT_FOUND, OutOfScope, area_in_scope
from server.services.ledger.counters import rate
from server.services.registry.areas import areas_under
from server.timefmt import local_today


class TargetError(ValueError):
    """A target the rules refuse; ``str(error)`` is the Chinese message."""


def set_target(admin: User, campaign: Campaign, area: Area, percent: int, due_date: dt.date) -> CoverageTarget:
    """Set (or replace) the 入户率 ``area`` should reach in ``campaign`` by ``due_date``. Flushes; audited.

    Raises:
        OutOfScope: the area outside the admin's areas.
        TargetError: not a street or district admin, an area outside the campaign's, a percent outside 1–100 or a
            date outside the campaign's period.
    """
    if not admin.role.may_manage_campaigns:
        raise TargetError("只有街道和区管理员可以设定目标")
    if not area_in_scope(admin, area):
        raise OutOfScope(area.id, NOT_FOUND["area"])
    if not area.is_within(campaign.area):
        raise TargetError(f"{area.name}不在活动“{campaign.name}”的范围内")
    if not 1 <= percent <= 100:
        raise TargetError("目标入户率应在 1% 到 100% 之间")
    if not campaign.start_date <= due_date <= campaign.end_date:
        raise TargetError(f"截止日应在活动期内（{campaign.start_date} 至 {campaign.end_date}）")
    target = target_of(campaign, area)
    if target is None:
        target = CoverageTarget(campaign_id=campaign.id, area_id=area.id)
        db.session.add(target)
    target.percent, target.due_date, target.set_by_id, target.set_at = percent, due_date, admin.id, utcnow()
    db.session.flush()
    audit.record(admin, "set_target", "area", area.id,
                 {"campaign_id": campaign.id, "percent": percent, "due_date": due_date.isoformat()})
    return target


def target_of(campaign: Campaign, area: Area) -> CoverageTarget | None:
    return db.session.scalar(select(CoverageTarget).where(
        CoverageTarget.campaign_id == campaign.id, CoverageTarget.area_id == area.id))


def targets_of(campaign: Campaign) -> list[tuple[Area, CoverageTarget]]:
    """Every target set in ``campaign``, by area in tree order."""
    return list(db.session.execute(
        select(Area, CoverageTarget).join(CoverageTarget, CoverageTarget.area_id == Area.id)
        .where(CoverageTarget.campaign_id == campaign.id).order_by(Area.path)).tuples())


def target_areas(admin: User, campaign: Campaign) -> list[Area]:
    """The areas ``admin`` may set a target for in ``campaign``: those above grids, under both the campaign's area
    and one of the admin's, in tree order; none for a head or worker."""
    if not admin.role.may_manage_campaigns:
        return []
    return [area for area in db.session.scalars(areas_under(campaign.area))
            if area.level is not AreaLevel.GRID and area_in_scope(admin, area)]


def projected_rate(start: dt.date, today: dt.date, due: dt.date, coverage_now: float | None) -> float | None:
    """The coverage expected on ``due`` at today's pace: linear from 0 on the start day to ``coverage_now`` at the
    end of ``today``, extended to the end of ``due``, capped at 1. None without a coverage; from ``due`` on, the
    coverage itself."""
    if coverage_now is None:
        return None
    if today >= due:
        return coverage_now
    days_so_far = (today - start).days + 1
    if days_so_far <= 0:
        return None
    return round(min(1.0, coverage_now * ((due - start).days + 1) / days_so_far), 4)


@dataclass(frozen=True)
class TargetProgress:
    area: Area
    target: CoverageTarget
    rate: float | None        # 入户率 today
    projected: float | None   # 入户率 expected on the due date at today's pace

    @property
    def on_track(self) -> bool | None:
        return None if self.projected is None else self.projected * 100 >= self.target.percent


def target_progress(campaign: Campaign, area: Area, today: dt.date | None = None) -> TargetProgress | None:
    """The target of ``area`` in ``campaign`` with today's 入户率 and its projection; None without a target."""
    target = target_of(campaign, area)
    if target is None:
        return None
    row = db.session.get(LedgerArea, (campaign.id, area.id))
    now = rate(row.contacted, row.in_scope) if row else None
    return TargetProgress(area, target, now, projected_rate(campaign.start_date, today or local_today(),
                                                            target.due_date, now))
