"""Campaigns (敲门行动) made, changed, started, ended and deleted: their period, materials, versioned notice and
pledge texts, and their status. Which campaign a page shows is ``campaign_lookup``'s; the default texts and
materials are ``campaign_texts``'; the figures ``campaign_figures``'.

A campaign is drafted (筹备中), activated (进行中) and ended (已结束), never the other way. Only
street and district admins run campaigns, within their areas; heads read them. A draft is seen by
heads and admins only: workers and residents never see it, and visits and pledges are accepted only
while a campaign is active.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sqlalchemy import delete, exists, select, true

from models import (Area, Campaign, CampaignStatus, Feedback, HouseholdProgress, LedgerArea, LedgerBuilding, LedgerDay,
                    Material, NoticeText, Pledge, PledgeText, QuizAnswer, User, Visit, VisitMaterial)
from server.extensions import db
from server.services.access.audit import record
from server.services.access.scope import area_in_scope
from server.services.canvassing.campaign_lookup import CampaignRefused, campaigns_covering, may_run_campaigns
from server.services.canvassing.campaign_texts import (DEFAULT_MATERIALS, NOTICE_TEXT, PLEDGE_BODY, PLEDGE_TITLE,
                                                       MaterialSpec, spec_of)
from server.services.canvassing.quiz import publish_quiz
from server.services.ledger.rebuild import refresh_population

_CODE = re.compile(r"[a-z0-9_]{1,32}")
NAME_LENGTH, MATERIAL_NAME_LENGTH, TITLE_LENGTH, TEXT_LENGTH = 128, 64, 128, 20_000

class CampaignError(ValueError):
    """A campaign that cannot be made or changed as asked: ``errors`` maps each field to its Chinese messages.

    Material fields are named by their position in the list given: ``material_code-0``, ``material_name-1`` …
    """

    def __init__(self, errors: dict[str, list[str]] | str):
        self.errors = {"status": [errors]} if isinstance(errors, str) else errors
        super().__init__("；".join(m for messages in self.errors.values() for m in messages))


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
    specs = [spec_of(m) for m in materials]
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
    """True once anything was recorded for the campaign: a visit, a pledge, a resident's feedback or quiz answer."""
    return any(db.session.scalar(select(exists().where(model.campaign_id == campaign.id)))
               for model in (Visit, Pledge, Feedback, QuizAnswer))


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
    """A new draft over the same area for the next period, with the campaign's materials, current texts and quiz.
    Flushes.

    Raises:
        CampaignRefused, CampaignError: as ``create_campaign``.
    """
    notice, pledge = campaign.current_notice_text, campaign.current_pledge_text
    created = create_campaign(
        name if name and name.strip() else f"{campaign.name}（新一轮）", campaign.area, start, end,
        materials=[MaterialSpec(m.code, m.name, m.planned_quantity) for m in campaign.materials],
        notice_text=notice.body if notice else "", pledge_title=pledge.title if pledge else "",
        pledge_text=pledge.body if pledge else "", user=user, ip=ip)
    if quiz := campaign.current_quiz:  # the same questions, so that two rounds' 知晓率 compare
        publish_quiz(created, quiz.questions, quiz.pass_mark, quiz.satisfaction_question, quiz.satisfaction_options)
    return created
