"""Campaigns (敲门行动): their period, material and versioned pledge texts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models import Area, Campaign, CampaignStatus, Material, PledgeText
from server.extensions import db
from server.services.areas import subtree_filter
from server.services.ledger_rebuild import refresh_population

#: The three kinds of material the 敲门行动 hands out at every door.
DEFAULT_MATERIALS = (("notice", "告知书"), ("pledge", "承诺书"), ("brochure", "宣传手册"))

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
    """A campaign that cannot be made as asked."""


def create_campaign(name: str, area: Area, start_date: dt.date, end_date: dt.date,
                    status: CampaignStatus = CampaignStatus.DRAFT,
                    materials=DEFAULT_MATERIALS, notice_text: str = NOTICE_TEXT) -> Campaign:
    """Create a campaign over ``area`` with its materials (the notice carries ``notice_text``).

    Raises:
        CampaignError: an empty name, or an end before the start.
    """
    if not name.strip():
        raise CampaignError("活动名称不能为空")
    if end_date < start_date:
        raise CampaignError("结束日期不能早于开始日期")
    campaign = Campaign(name=name.strip(), area=area, start_date=start_date, end_date=end_date, status=status)
    for order, (code, material_name) in enumerate(materials):
        campaign.materials.append(Material(code=code, name=material_name, sort_order=order,
                                           body=notice_text if code == "notice" else None))
    db.session.add(campaign)
    db.session.flush()
    refresh_population(campaign)
    return campaign


def publish_pledge_text(campaign: Campaign, title: str, body: str) -> PledgeText:
    """Publish a new version of the campaign's pledge text and fix its SHA-256.

    Earlier versions stay as they are: pledges signed on them still verify.

    Raises:
        CampaignError: an empty title or body.
    """
    if not title.strip() or not body.strip():
        raise CampaignError("承诺书标题和正文都不能为空")
    latest = db.session.scalar(select(PledgeText.version).where(PledgeText.campaign_id == campaign.id)
                               .order_by(PledgeText.version.desc()).limit(1))
    text = PledgeText(campaign=campaign, version=(latest or 0) + 1, title=title.strip(), body=body.strip())
    text.seal()
    db.session.add(text)
    db.session.flush()
    return text


def current_campaign(area: Area) -> Campaign | None:
    """The campaign a door, an area or a worker shows when none is asked for: the rule, written here only.

    Of the campaigns covering ``area`` (``campaigns_covering``) that are active (进行中), the one that
    started last; of two that started the same day, the one created last. None when none is active.
    """
    active = campaigns_covering(area, active_only=True)
    return active[0] if active else None


def campaign_for(area: Area, campaign_id: int | None = None, latest_if_none_active: bool = False) -> Campaign | None:
    """The campaign a page or answer about ``area`` shows.

    Asked for by id: that campaign if it covers ``area``, whatever its status, else None (the caller
    answers 404: never another campaign in its place). Not asked for: ``current_campaign(area)``; with
    ``latest_if_none_active`` (the dashboard, where a closed round's figures stay readable) and none
    active, the covering campaign that started last. None: nothing to show.
    """
    if campaign_id is not None:
        return next((c for c in campaigns_covering(area) if c.id == campaign_id), None)
    current = current_campaign(area)
    if current is None and latest_if_none_active:
        covering = campaigns_covering(area)
        return covering[0] if covering else None
    return current


def worker_campaign(grids: list[Area]) -> Campaign | None:
    """The campaign a worker canvasses for: ``current_campaign`` of the first of their grids (tree order) having one."""
    return next((c for c in map(current_campaign, grids) if c is not None), None)


def open_campaigns_covering(area: Area) -> list[Campaign]:
    """Campaigns not yet closed over, above or beneath ``area``: their ledgers count its households."""
    return [c for c in campaigns_covering(area) if c.status is not CampaignStatus.CLOSED]


def campaigns_covering(area: Area, active_only: bool = False) -> list[Campaign]:
    """Campaigns run over ``area``, over an area above it, or over an area beneath it."""
    query = select(Campaign).join(Area, Campaign.area_id == Area.id).where(
        Campaign.area_id.in_(area.ancestor_ids) | subtree_filter(area)
    ).order_by(Campaign.start_date.desc(), Campaign.id.desc())
    if active_only:
        query = query.where(Campaign.status == CampaignStatus.ACTIVE)
    return list(db.session.scalars(query))
