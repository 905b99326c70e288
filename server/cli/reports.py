"""``monthly-report``: an area's monthly report (通报) as a PDF with charts and the same figures as Excel."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Area, Campaign
from server.extensions import db
from server.services.access.audit import record
from server.services.files.atomic import atomic_open
from server.services.registry.font import CJKFontMissing, cjk_font
from server.services.reports import MonthNotStarted, write_monthly_report
from server.services.reports.monthly_pdf import percent
from server.services.reports.monthly_report import STEPS

from .progress import Progress


def _area(named: str) -> Area:
    """The area an id or an exact name names; several areas of that name are refused with their ids."""
    if named.isdigit():
        area = db.session.get(Area, int(named))
        if area is None:
            raise click.BadParameter(f"没有编号为 {named} 的区域", param_hint="--area")
        return area
    found = db.session.scalars(select(Area).where(Area.name == named).order_by(Area.id)).all()
    if not found:
        raise click.BadParameter(f"没有名为“{named}”的区域（可用 list-areas 查看）", param_hint="--area")
    if len(found) > 1:
        choices = "、".join(f"{a.id}（{a.parent.name if a.parent else ''}{a.name}）" for a in found)
        raise click.BadParameter(f"有多个名为“{named}”的区域，请用编号：{choices}", param_hint="--area")
    return found[0]


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise click.BadParameter("月份应写作 YYYY-MM，例如 2026-11", param_hint="--month") from None


@click.command("monthly-report")
@click.option("--area", "area_named", required=True, help="Area id or exact name, e.g. 城西街道.")
@click.option("--campaign", "campaign_id", required=True, type=int)
@click.option("--month", required=True, help="The month, YYYY-MM (Beijing time).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write the .pdf and the .xlsx into (made if missing).")
@with_appcontext
def monthly_report_command(area_named: str, campaign_id: int, month: str, out_dir: Path) -> None:
    """Write the area's monthly report as a PDF (charts, tables) and an .xlsx of the same figures."""
    area, first = _area(area_named), _month(month)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.BadParameter(f"没有编号为 {campaign_id} 的活动", param_hint="--campaign")
    try:
        font = cjk_font(current_app.config["LABEL_FONT"] or None)
    except CJKFontMissing as missing:
        raise click.ClickException(str(missing)) from missing
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{area.name}-{first:%Y-%m}-通报"
    pdf_path, xlsx_path = out_dir / f"{stem}.pdf", out_dir / f"{stem}.xlsx"
    progress = Progress("生成通报", total=STEPS)
    try:
        with atomic_open(pdf_path) as pdf, atomic_open(xlsx_path) as xlsx:
            figures = write_monthly_report(campaign, area, first, pdf, xlsx, font=font,
                                           progress=lambda done, _: progress(done))
    except MonthNotStarted as early:
        raise click.ClickException(str(early)) from early
    finally:
        progress.close()
    record(None, "monthly_report", "area", area.id, {"campaign_id": campaign.id, "month": f"{first:%Y-%m}",
                                                      "via": "cli"})
    db.session.commit()
    t, r = figures.totals, figures.rates
    click.echo(f"已生成 {figures.title}")
    click.echo(f"PDF：{pdf_path}")
    click.echo(f"Excel：{xlsx_path}")
    click.echo(f"应宣传 {t['in_scope']} 户，入户 {t['contacted']} 户（入户率 {percent(r['contacted'])}），"
               f"三有 {t['documented']} 户（三有率 {percent(r['documented'])}），"
               f"知晓率 {percent(r['knowledge'])}，满意度 {percent(r['satisfaction'])}；"
               f"本月复核 {figures.checks.checked} 户，虚假走访 {figures.checks.found_false} 次；"
               f"意见建议 {figures.feedback_received} 条，已处理 {figures.feedback_handled} 条")
