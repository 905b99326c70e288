"""``export-ledger``: the 入户宣传台账 of an area as an Excel file."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from models import Area, Campaign
from server.extensions import db
from server.services.access.audit import record
from server.services.registry.areas import count_households_under
from server.services.reports.ledger_export import export_ledger

from .progress import Progress


@click.command("export-ledger")
@click.option("--campaign", "campaign_id", required=True, type=int)
@click.option("--area", "area_id", required=True, type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_ledger_command(campaign_id: int, area_id: int, output: Path) -> None:
    """Write one row per household and a summary per community and grid to an .xlsx file."""
    campaign, area = db.session.get(Campaign, campaign_id), db.session.get(Area, area_id)
    if campaign is None:
        raise click.BadParameter(f"没有编号为 {campaign_id} 的活动", param_hint="--campaign")
    if area is None:
        raise click.BadParameter(f"没有编号为 {area_id} 的区域", param_hint="--area")
    progress = Progress("导出台账", total=count_households_under(area))
    try:
        summary = export_ledger(campaign, area, str(output), current_app.config["PUBLIC_BASE_URL"], progress=progress)
    finally:
        progress.close()
    record(None, "export_ledger", "area", area.id, {"campaign_id": campaign.id, "rows": summary.rows, "via": "cli"})
    db.session.commit()
    click.echo(f"已导出 {area.name} 的台账：{summary.rows} 户 → {output}")
