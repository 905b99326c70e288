"""``create-campaign``, ``activate-campaign``, ``end-campaign``: run a campaign from the command line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask.cli import with_appcontext

from models import Area, Campaign, CampaignStatus
from server.extensions import db
from server.services.canvassing.campaign_texts import NOTICE_TEXT, PLEDGE_TITLE, material_specs
from server.services.canvassing.campaigns import CampaignError, activate_campaign, create_campaign, end_campaign


def _fail(message: str) -> None:
    """One Chinese line on stderr, exit 1, nothing kept."""
    db.session.rollback()
    click.echo(message, err=True)
    click.get_current_context().exit(1)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} 的日期“{value}”无效，请写成 YYYY-MM-DD，例如 2026-12-01")


def _text(path: str | None, option: str) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        _fail(f"{option} 的文件 {path} 不存在")
    except (OSError, UnicodeDecodeError):
        _fail(f"{option} 的文件 {path} 无法读取，请用 UTF-8 编码的文本文件")


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        _fail(f"没有编号为 {campaign_id} 的活动")
    return campaign


@click.command("create-campaign")
@click.option("--area", "area_id", required=True, type=int, help="The id of the area the campaign covers.")
@click.option("--name", required=True, help="The campaign's name, e.g. 2026年冬季垃圾分类敲门行动.")
@click.option("--start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--end", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--material", "materials", multiple=True,
              help="A material handed out; repeat. 告知书, 承诺书, 宣传手册 get codes notice, pledge, brochure; "
                   "others m1, m2 … Default: those three.")
@click.option("--pledge-text", "pledge_file", required=True, help="A UTF-8 text file with the pledge (承诺书).")
@click.option("--pledge-title", default=PLEDGE_TITLE, show_default=True, help="The pledge's title.")
@click.option("--notice-text", "notice_file", help="A UTF-8 text file with the notice (告知书); default: the standard one.")
@click.option("--activate", is_flag=True, help="Start the campaign at once (refused if an active one overlaps).")
@with_appcontext
def create_campaign_command(area_id: int, name: str, start: str, end: str, materials: tuple[str, ...],
                            pledge_file: str, pledge_title: str, notice_file: str | None, activate: bool) -> None:
    """Create a campaign (a draft, or active with --activate) and print its id alone on stdout."""
    area = db.session.get(Area, area_id)
    if area is None:
        _fail(f"没有编号为 {area_id} 的区域")
    start_date, end_date = _date(start, "--start"), _date(end, "--end")
    pledge_text, notice_text = _text(pledge_file, "--pledge-text"), _text(notice_file, "--notice-text")
    specs = material_specs(materials or ("告知书", "承诺书", "宣传手册"))
    try:
        campaign = create_campaign(name, area, start_date, end_date, materials=specs,
                                   notice_text=NOTICE_TEXT if notice_text is None else notice_text,
                                   pledge_title=pledge_title, pledge_text=pledge_text,
                                   status=CampaignStatus.ACTIVE if activate else CampaignStatus.DRAFT)
    except CampaignError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"已创建活动“{campaign.name}”（{campaign.status.label}），编号如下", err=True)
    click.echo(campaign.id)


@click.command("activate-campaign")
@click.argument("campaign_id", type=int)
@with_appcontext
def activate_campaign_command(campaign_id: int) -> None:
    """Start a draft campaign: workers see it, residents may sign."""
    campaign = _campaign(campaign_id)
    try:
        activate_campaign(campaign)
    except CampaignError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"活动“{campaign.name}”已启用（{CampaignStatus.ACTIVE.label}）", err=True)


@click.command("end-campaign")
@click.argument("campaign_id", type=int)
@with_appcontext
def end_campaign_command(campaign_id: int) -> None:
    """End an active campaign: no more visits or pledges; its figures stay readable."""
    campaign = _campaign(campaign_id)
    try:
        end_campaign(campaign)
    except CampaignError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"活动“{campaign.name}”已结束", err=True)
