"""Campaigns (敲门行动): their period, materials, versioned notice and pledge texts, and their status.

A campaign is drafted (筹备中), activated (进行中) and ended (已结束), never the other way. Only
street and district admins run campaigns, within their areas; heads read them. A draft is seen by
heads and admins only: workers and residents never see it, and visits and pledges are accepted only
while a campaign is active.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select, true

from models import (Area, Campaign, CampaignStatus, Feedback, Household, HouseholdProgress, LedgerArea, LedgerBuilding,
                    LedgerDay, Material, NoticeText, Pledge, PledgeText, Role, User, Visit, VisitMaterial)
from server.extensions import db
from server.services.registry.areas import households_under, subtree_filter
from server.services.access.audit import record
from server.services.ledger.rebuild import refresh_population
from server.services.access.scope import NOT_FOUND, OutOfScope, area_in_scope, get_campaign, sees_drafts

#: The three kinds of material the 敲门行动 hands out at every door.
DEFAULT_MATERIALS = (("notice", "告知书"), ("pledge", "承诺书"), ("brochure", "宣传手册"))
#: The codes the usual materials get when only their name is given (others get m1, m2 …).
KNOWN_MATERIAL_CODES = {name: code for code, name in DEFAULT_MATERIALS}
#: Who creates, edits, activates, ends and deletes campaigns; heads only read them.
CAMPAIGN_ROLES = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN})

_CODE = re.compile(r"[a-z0-9_]{1,32}")
NAME_LENGTH, MATERIAL_NAME_LENGTH, TITLE_LENGTH, TEXT_LENGTH = 128, 64, 128, 20_000

NOTICE_TEXT = """尊敬的居民朋友：

为改善人居环境、节约资源，本社区正在开展生活垃圾分类“敲门行动”。请您和家人按以下四类投放生活垃圾：

一、厨余垃圾（绿色桶）：剩菜剩饭、果皮菜叶、过期食品等，请沥干水分、去除包装后投放。
二、可回收物（蓝色桶）：废纸板、塑料瓶、金属、玻璃、旧衣物等，请保持清洁干燥。
三、有害垃圾（红色桶）：废电池、废灯管、过期药品、油漆桶等，请轻放，防止破损。
四、其他垃圾（灰色桶）：卫生纸、烟头、尘土、一次性餐具等难以回收的垃圾。

定时定点投放时间：每天 7:00—9:00、18:00—21:00。如有意见建议，可告诉上门的网格员，或扫描门上的二维码留言。

感谢您的支持与配合！"""

PLEDGE_TITLE = "生活垃圾分类承诺书"
PLEDGE_BODY = """为共建整洁美丽的家园，本户自愿承诺：

一、学习生活垃圾分类知识，做到家庭源头分类，厨余垃圾、可回收物、有害垃圾、其他垃圾分开投放；
二、按照社区规定的时间和地点定时定点投放，不乱扔乱倒；
三、带动家人、邻居共同参与垃圾分类，做垃圾分类的宣传者和践行者；
四、支持和配合社区、网格员和志愿者的分类督导工作。"""


class CampaignError(ValueError):
    """A campaign that cannot be made or changed as asked: ``errors`` maps each field to its Chinese messages.

    Material fields are named by their position in the list given: ``material_code-0``, ``material_name-1`` …
    """

    def __init__(self, errors: dict[str, list[str]] | str):
        self.errors = {"status": [errors]} if isinstance(errors, str) else errors
        super().__init__("；".join(m for messages in self.errors.values() for m in messages))


class CampaignRefused(PermissionError):
    """The caller's role may read campaigns but not run them (a community head, a worker)."""


@dataclass(frozen=True)
class MaterialSpec:
    """A material as asked for: its code, name and the quantity printed (None: not said)."""

    code: str
    name: str
    planned_quantity: int | None = None


def material_specs(names: Iterable[str]) -> list[MaterialSpec]:
    """Materials named only: 告知书 → notice, 承诺书 → pledge, 宣传手册 → brochure, any other m1, m2 … in order."""
    specs, others = [], 0
    for name in names:
        name = name.strip()
        code = KNOWN_MATERIAL_CODES.get(name)
        if code is None:
            others += 1
            code = f"m{others}"
        specs.append(MaterialSpec(code, name))
    return specs


def may_run_campaigns(user: User | None) -> bool:
    """True for street and district admins, and for the command line (no user)."""
    return user is None or user.role in CAMPAIGN_ROLES


def _spec(material) -> MaterialSpec:
    return material if isinstance(material, MaterialSpec) else MaterialSpec(*material)


#: The years a campaign's dates may fall in, and its longest period: a typo (9026) is caught beside its field.
FIRST_YEAR, LAST_YEAR, LONGEST_DAYS = 2000, 2100, 3 * 365


def _check_fields(errors: dict, user: User | None, name: str, area: Area | None, start_date, end_date,
                  materials: Sequence[MaterialSpec], notice_text: str, pledge_title: str, pledge_text: str) -> None:
    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not name:
        add("name", "请填写活动名称")
    elif len(name) > NAME_LENGTH:
        add("name", f"活动名称不超过 {NAME_LENGTH} 个字")
    if area is None:
        add("area_id", "请选择活动区域")
    elif user is not None and not area_in_scope(user, area):
        add("area_id", "这个区域不在您的管辖范围内")
    if start_date is None:
        add("start_date", "请填写开始日期")
    if end_date is None:
        add("end_date", "请填写结束日期")
    for field, day in (("start_date", start_date), ("end_date", end_date)):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            add(field, f"日期应在 {FIRST_YEAR} 年到 {LAST_YEAR} 年之间")
    if start_date is not None and end_date is not None and end_date < start_date:
        add("end_date", "结束日期不能早于开始日期")
    elif start_date is not None and end_date is not None and (end_date - start_date).days > LONGEST_DAYS:
        add("end_date", f"一轮活动最长 {LONGEST_DAYS // 365} 年，请检查结束日期")
    seen: set[str] = set()
    for index, material in enumerate(materials):
        if not material.code:
            add(f"material_code-{index}", "请填写资料编码")
        elif not _CODE.fullmatch(material.code):
            add(f"material_code-{index}", "编码只能用小写英文字母、数字和下划线，不超过 32 个字符")
        elif material.code in seen:
            add(f"material_code-{index}", f"资料编码“{material.code}”重复了，每种资料一个编码")
        seen.add(material.code)
        if not material.name:
            add(f"material_name-{index}", "请填写资料名称")
        elif len(material.name) > MATERIAL_NAME_LENGTH:
            add(f"material_name-{index}", f"资料名称不超过 {MATERIAL_NAME_LENGTH} 个字")
        if material.planned_quantity is not None and material.planned_quantity < 0:
            add(f"material_quantity-{index}", "印制数量不能是负数")
    if not notice_text:
        add("notice_text", "请填写告知书正文")
    elif len(notice_text) > TEXT_LENGTH:
        add("notice_text", f"告知书正文不超过 {TEXT_LENGTH} 个字")
    if not pledge_title:
        add("pledge_title", "请填写承诺书标题")
    elif len(pledge_title) > TITLE_LENGTH:
        add("pledge_title", f"承诺书标题不超过 {TITLE_LENGTH} 个字")
    if not pledge_text:
        add("pledge_text", "承诺书正文不能为空")
    elif len(pledge_text) > TEXT_LENGTH:
        add("pledge_text", f"承诺书正文不超过 {TEXT_LENGTH} 个字")


def _refuse_unless_runner(user: User | None) -> None:
    if not may_run_campaigns(user):
        raise CampaignRefused()


def _overlapping_active(area: Area, campaign_id: int | None = None) -> Campaign | None:
    """An active campaign over ``area``, over an area above it or beneath it, other than ``campaign_id``.

    The area and those above it are locked first (PostgreSQL; SQLite serialises writers on its own): of two
    overlapping areas one is at or above the other, so two admins starting overlapping campaigns at once
    wait for each other, and the second sees the first.
    """
    db.session.execute(select(Area.id).where(Area.id.in_(area.ancestor_ids)).order_by(Area.path).with_for_update())
    return next((c for c in campaigns_covering(area, active_only=True) if c.id != campaign_id), None)


def _overlap_message(other: Campaign) -> str:
    return (f"“{other.name}”（{other.area.name}，{other.start_date} 至 {other.end_date}）正在进行，"
            f"区域与本活动重叠；同一处只能有一个进行中的活动，请先结束它")


def _cleaned(name, notice_text, pledge_title, pledge_text, materials) -> tuple:
    """What a person typed, trimmed: the texts, and the materials as specs."""
    specs = [_spec(m) for m in materials]
    return ((name or "").strip(), (notice_text or "").strip(), (pledge_title or "").strip(),
            (pledge_text or "").strip(),
            [MaterialSpec((m.code or "").strip(), (m.name or "").strip(), m.planned_quantity) for m in specs])


def create_campaign(name: str, area: Area | None, start_date: dt.date | None, end_date: dt.date | None,
                    status: CampaignStatus = CampaignStatus.DRAFT, materials=DEFAULT_MATERIALS,
                    notice_text: str = NOTICE_TEXT, pledge_title: str = PLEDGE_TITLE, pledge_text: str = PLEDGE_BODY,
                    user: User | None = None, ip: str | None = None) -> Campaign:
    """Create a campaign over ``area`` with its materials (``MaterialSpec`` or (code, name[, quantity]) tuples) and
    the first versions of its notice and pledge texts, as ``user`` (None: the command line). Audited. Flushes.

    Raises:
        CampaignRefused: ``user`` may not run campaigns.
        CampaignError: an empty name, no area or one outside the user's, a missing date or an end before the start,
            a bad or duplicate material code, an empty notice, pledge title or pledge text, or (created active)
            another active campaign over an overlapping area. Nothing is added to the session.
    """
    _refuse_unless_runner(user)
    name, notice_text, pledge_title, pledge_text, specs = _cleaned(name, notice_text, pledge_title, pledge_text,
                                                                  materials)
    errors: dict[str, list[str]] = {}
    _check_fields(errors, user, name, area, start_date, end_date, specs, notice_text, pledge_title, pledge_text)
    status = CampaignStatus(status)
    if not errors and status is CampaignStatus.ACTIVE and (other := _overlapping_active(area)) is not None:
        errors["status"] = [_overlap_message(other)]
    if errors:
        raise CampaignError(errors)
    campaign = Campaign(name=name, area=area, start_date=start_date, end_date=end_date, status=status)
    for order, material in enumerate(specs):
        campaign.materials.append(Material(code=material.code, name=material.name, sort_order=order,
                                           planned_quantity=material.planned_quantity))
    db.session.add(campaign)
    db.session.flush()
    publish_notice_text(campaign, notice_text)
    publish_pledge_text(campaign, pledge_title, pledge_text)
    refresh_population(campaign)
    record(user, "create_campaign", "campaign", campaign.id,
           {"name": name, "area_id": area.id, "status": status.value}, ip=ip)
    return campaign


def publish_pledge_text(campaign: Campaign, title: str, body: str) -> PledgeText:
    """Publish a new version of the campaign's pledge text and fix its SHA-256. Flushes.

    Earlier versions stay as they are: pledges signed on them still verify.

    Raises:
        CampaignError: an empty title or body.
    """
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["pledge_title"] = ["请填写承诺书标题"]
    if not body:
        errors["pledge_text"] = ["承诺书正文不能为空"]
    if errors:
        raise CampaignError(errors)
    latest = db.session.scalar(select(PledgeText.version).where(PledgeText.campaign_id == campaign.id)
                               .order_by(PledgeText.version.desc()).limit(1))
    text = PledgeText(campaign=campaign, version=(latest or 0) + 1, title=title, body=body)
    text.seal()
    db.session.add(text)
    db.session.flush()
    return text


def publish_notice_text(campaign: Campaign, body: str) -> NoticeText:
    """Publish a new version of the campaign's notice (告知书) and fix its SHA-256. Flushes.

    Raises:
        CampaignError: an empty body.
    """
    body = (body or "").strip()
    if not body:
        raise CampaignError({"notice_text": ["请填写告知书正文"]})
    latest = db.session.scalar(select(NoticeText.version).where(NoticeText.campaign_id == campaign.id)
                               .order_by(NoticeText.version.desc()).limit(1))
    text = NoticeText(campaign=campaign, version=(latest or 0) + 1, body=body)
    text.seal()
    db.session.add(text)
    db.session.flush()
    return text


def update_campaign(campaign: Campaign, name: str, area: Area | None, start_date: dt.date | None,
                    end_date: dt.date | None, materials, notice_text: str, pledge_title: str, pledge_text: str,
                    user: User | None = None, ip: str | None = None) -> Campaign:
    """Change a draft or active campaign: name, period, materials, texts, and (a draft's only) area. Audited. Flushes.

    A changed notice or pledge text is published as a new version; a text residents signed is never changed.
    Materials are matched by code: a new code is added, a missing one removed (unless a visit handed it out).

    Raises:
        CampaignRefused: ``user`` may not run campaigns.
        CampaignError: as ``create_campaign``; or the campaign has ended; or its area changed once it started;
            or a material some visit handed out is left out. Nothing is changed.
    """
    _refuse_unless_runner(user)
    name, notice_text, pledge_title, pledge_text, specs = _cleaned(name, notice_text, pledge_title, pledge_text,
                                                                  materials)
    errors: dict[str, list[str]] = {}
    if campaign.status is CampaignStatus.CLOSED:
        raise CampaignError("活动已结束，不能再修改；可以用“新一轮”复制一个新活动")
    _check_fields(errors, user, name, area, start_date, end_date, specs, notice_text, pledge_title, pledge_text)
    if area is not None and area.id != campaign.area_id and campaign.status is not CampaignStatus.DRAFT:
        errors.setdefault("area_id", []).append("活动已启用，不能再更改区域")
    kept = {m.code for m in specs}
    handed_out = set(db.session.scalars(select(Material.code).where(
        Material.campaign_id == campaign.id, Material.code.not_in(kept) if kept else true(),
        exists().where(VisitMaterial.material_id == Material.id))))
    if handed_out:
        errors.setdefault("materials", []).append(
            "已有走访发放过" + "、".join(f"“{code}”" for code in sorted(handed_out)) + "，不能删除这种资料")
    if errors:
        raise CampaignError(errors)
    area_changed = area.id != campaign.area_id
    campaign.name, campaign.area, campaign.start_date, campaign.end_date = name, area, start_date, end_date
    by_code = {m.code: m for m in campaign.materials}
    for material in [m for m in campaign.materials if m.code not in kept]:
        campaign.materials.remove(material)
    for order, spec in enumerate(specs):
        material = by_code.get(spec.code)
        if material is None:
            campaign.materials.append(Material(code=spec.code, name=spec.name, sort_order=order,
                                               planned_quantity=spec.planned_quantity))
        else:
            material.name, material.sort_order, material.planned_quantity = spec.name, order, spec.planned_quantity
    db.session.flush()
    db.session.expire(campaign, ["materials"])  # read back in their new order
    published = []
    notice = campaign.current_notice_text
    if notice is None or notice.body != notice_text:
        published.append(f"notice v{publish_notice_text(campaign, notice_text).version}")
    pledge = campaign.current_pledge_text
    if pledge is None or (pledge.title, pledge.body) != (pledge_title, pledge_text):
        published.append(f"pledge v{publish_pledge_text(campaign, pledge_title, pledge_text).version}")
    if area_changed:
        _drop_ledger(campaign)  # a draft has no visits: its counters start again over the new area
        refresh_population(campaign)
    record(user, "update_campaign", "campaign", campaign.id, {"published": published} if published else None, ip=ip)
    return campaign


def activate_campaign(campaign: Campaign, user: User | None = None, ip: str | None = None) -> Campaign:
    """Start a draft: from now workers see it and residents may sign. Audited. Flushes.

    Raises:
        CampaignRefused: ``user`` may not run campaigns.
        CampaignError: the campaign is not a draft, or another active campaign covers an overlapping area
            (one area is the other or lies above it); the message names that campaign.
    """
    _refuse_unless_runner(user)
    if campaign.status is not CampaignStatus.DRAFT:
        raise CampaignError(f"只有筹备中的活动可以启用，这个活动{campaign.status.label}")
    if (other := _overlapping_active(campaign.area, campaign.id)) is not None:
        raise CampaignError(_overlap_message(other))
    campaign.status = CampaignStatus.ACTIVE
    db.session.flush()
    record(user, "activate_campaign", "campaign", campaign.id, ip=ip)
    return campaign


def end_campaign(campaign: Campaign, user: User | None = None, ip: str | None = None) -> Campaign:
    """End an active campaign: no more visits or pledges; its figures stay readable. Audited. Flushes.

    Raises:
        CampaignRefused: ``user`` may not run campaigns.
        CampaignError: the campaign is not active.
    """
    _refuse_unless_runner(user)
    if campaign.status is not CampaignStatus.ACTIVE:
        raise CampaignError(f"只有进行中的活动可以结束，这个活动{campaign.status.label}")
    campaign.status = CampaignStatus.CLOSED
    db.session.flush()
    record(user, "end_campaign", "campaign", campaign.id, ip=ip)
    return campaign


def has_records(campaign: Campaign) -> bool:
    """True once anything was recorded for the campaign: a visit, a pledge or a resident's feedback."""
    return any(db.session.scalar(select(exists().where(model.campaign_id == campaign.id)))
               for model in (Visit, Pledge, Feedback))


def delete_campaign(campaign: Campaign, user: User | None = None, ip: str | None = None) -> None:
    """Delete a campaign nobody has recorded anything for, with its materials, texts and counters. Audited. Flushes.

    Raises:
        CampaignRefused: ``user`` may not run campaigns.
        CampaignError: the campaign has visits (or pledges or feedback): it can be ended, not deleted.
    """
    _refuse_unless_runner(user)
    if has_records(campaign):
        raise CampaignError("这个活动已有走访记录，不能删除；可以结束它")
    record(user, "delete_campaign", "campaign", campaign.id, {"name": campaign.name, "area_id": campaign.area_id},
           ip=ip)
    _drop_ledger(campaign)
    db.session.delete(campaign)
    db.session.flush()


def _drop_ledger(campaign: Campaign) -> None:
    for model in (HouseholdProgress, LedgerBuilding, LedgerArea, LedgerDay):
        db.session.execute(delete(model).where(model.campaign_id == campaign.id))


def next_period(campaign: Campaign, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The period a new round from ``campaign`` is offered: as long as it, from the day after it ends (or today,
    if that is later). Raises nothing."""
    start = max(campaign.end_date + dt.timedelta(days=1), today or dt.date.today())
    return start, start + (campaign.end_date - campaign.start_date)


def new_round(campaign: Campaign, start: dt.date | None, end: dt.date | None, name: str | None = None,
              user: User | None = None, ip: str | None = None) -> Campaign:
    """A new draft over the same area for the next period, with the campaign's materials and current texts. Flushes.

    Raises:
        CampaignRefused, CampaignError: as ``create_campaign``.
    """
    notice, pledge = campaign.current_notice_text, campaign.current_pledge_text
    return create_campaign(
        name if name and name.strip() else f"{campaign.name}（新一轮）", campaign.area, start, end,
        materials=[MaterialSpec(m.code, m.name, m.planned_quantity) for m in campaign.materials],
        notice_text=notice.body if notice else "", pledge_title=pledge.title if pledge else "",
        pledge_text=pledge.body if pledge else "", user=user, ip=ip)


def get_run_campaign(user: User, campaign_id: int) -> Campaign:
    """The campaign ``campaign_id`` if the user runs it: an admin whose areas hold the campaign's area.

    Raises:
        OutOfScope: as ``get_campaign``, or the campaign's area lies above the user's (a district's campaign
            seen by a street admin): read it, but its district runs it.
        CampaignRefused: the user may read campaigns but not run them (a head).
    """
    campaign = get_campaign(user, campaign_id)
    if not may_run_campaigns(user):
        raise CampaignRefused()
    if not area_in_scope(user, campaign.area):
        raise OutOfScope(campaign_id, NOT_FOUND["campaign"])
    return campaign


def may_run(user: User, campaign: Campaign) -> bool:
    """True when the user may edit, start, end or delete ``campaign``."""
    return may_run_campaigns(user) and area_in_scope(user, campaign.area)


@dataclass(frozen=True)
class CampaignFigures:
    """A campaign's figures over the part of its area the viewer sees: households, those in scope, contacted,
    pledged, and visits."""

    households: int
    in_scope: int
    contacted: int
    pledged: int
    visits: int


def _seen_areas(campaign: Campaign, viewer: User | None) -> list[Area]:
    """The campaign's whole area for those who hold it; for a head under a street's or district's campaign, their
    own areas beneath it: nobody reads figures of areas outside their own."""
    if viewer is None or area_in_scope(viewer, campaign.area):
        return [campaign.area]
    return [area for area in viewer.areas if area.is_within(campaign.area)]


def campaign_figures(campaigns: Sequence[Campaign], viewer: User | None = None) -> dict[int, CampaignFigures]:
    """Each campaign's figures from the ledger over the areas ``viewer`` sees of it (``_seen_areas``)."""
    if not campaigns:
        return {}
    seen = {c.id: _seen_areas(c, viewer) for c in campaigns}
    area_ids = {a.id for areas in seen.values() for a in areas}
    rows = {(r.campaign_id, r.area_id): r for r in db.session.scalars(
        select(LedgerArea).where(LedgerArea.campaign_id.in_(list(seen)), LedgerArea.area_id.in_(area_ids)))}
    whole = [c.id for c in campaigns if seen[c.id] == [c.area]]
    visits = dict(db.session.execute(select(Visit.campaign_id, func.count(Visit.id))
                                     .where(Visit.campaign_id.in_(whole)).group_by(Visit.campaign_id)).all())
    figures = {}
    for campaign in campaigns:
        counted = [rows[(campaign.id, a.id)] for a in seen[campaign.id] if (campaign.id, a.id) in rows]
        if campaign.id not in visits and campaign.id not in whole:
            visits[campaign.id] = sum(db.session.scalar(
                select(func.count(Visit.id)).where(Visit.campaign_id == campaign.id, Visit.household_id.in_(
                    households_under(area).with_only_columns(Household.id)))) for area in seen[campaign.id])
        figures[campaign.id] = CampaignFigures(*(sum(getattr(r, name) for r in counted) for name in
                                                 ("households", "in_scope", "contacted", "pledged")),
                                               visits.get(campaign.id, 0))
    return figures


def campaigns_of(user: User) -> list[Campaign]:
    """Every campaign over, above or beneath the user's areas that the user may see, the latest start first."""
    found = {c.id: c for area in user.areas for c in campaigns_covering(area, drafts=sees_drafts(user))}
    return sorted(found.values(), key=lambda c: (c.start_date, c.id), reverse=True)


def current_campaign(area: Area) -> Campaign | None:
    """The campaign a door, an area or a worker shows when none is asked for: the rule, written here only.

    Of the campaigns covering ``area`` (``campaigns_covering``) that are active (进行中), the one that
    started last; of two that started the same day, the one created last. None when none is active.
    """
    active = campaigns_covering(area, active_only=True)
    return active[0] if active else None


def campaign_for(area: Area, campaign_id: int | None = None, latest_if_none_active: bool = False,
                 drafts: bool = False) -> Campaign | None:
    """The campaign a page or answer about ``area`` shows.

    Asked for by id: that campaign if it covers ``area``, whatever its status (a draft only with ``drafts``:
    heads' and admins' pages, see ``sees_drafts``), else None (the caller answers 404: never another
    campaign in its place). Not asked for: ``current_campaign(area)``; with ``latest_if_none_active`` (the
    dashboard, where a closed round's figures stay readable) and none active, the covering campaign that
    started last. None: nothing to show.
    """
    if campaign_id is not None:
        return next((c for c in campaigns_covering(area, drafts=drafts) if c.id == campaign_id), None)
    current = current_campaign(area)
    if current is None and latest_if_none_active:
        covering = campaigns_covering(area, drafts=drafts)
        return covering[0] if covering else None
    return current


def worker_campaign(grids: list[Area]) -> Campaign | None:
    """The campaign a worker canvasses for: ``current_campaign`` of the first of their grids (tree order) having one."""
    return next((c for c in map(current_campaign, grids) if c is not None), None)


def open_campaigns_covering(area: Area) -> list[Campaign]:
    """Campaigns not yet closed over, above or beneath ``area``: their ledgers count its households."""
    return [c for c in campaigns_covering(area, drafts=True) if c.status is not CampaignStatus.CLOSED]


def campaigns_covering(area: Area, active_only: bool = False, drafts: bool = False) -> list[Campaign]:
    """Campaigns run over ``area``, over an area above it, or over an area beneath it; drafts only with ``drafts``
    (for heads and admins, ``sees_drafts``, and for the ledgers kept ready for them)."""
    query = select(Campaign).join(Area, Campaign.area_id == Area.id).where(
        Campaign.area_id.in_(area.ancestor_ids) | subtree_filter(area)
    ).order_by(Campaign.start_date.desc(), Campaign.id.desc())
    if active_only:
        query = query.where(Campaign.status == CampaignStatus.ACTIVE)
    elif not drafts:
        query = query.where(Campaign.status != CampaignStatus.DRAFT)
    return list(db.session.scalars(query))
