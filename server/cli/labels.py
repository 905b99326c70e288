"""``qr-labels``: print the door labels of an area as an A4 PDF."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from models import Area, Campaign
from server.extensions import db
from server.services.files.atomic import atomic_open
from server.services.registry.areas import count_households_under
from server.services.registry.font import CJKFontMissing, cjk_font
from server.services.registry.labels import area_labels

from .progress import Progress


@click.command("qr-labels")
@click.option("--area", "area_id", required=True, type=int, help="Area id: a grid, community, street or district.")
@click.option("--campaign", "campaign_id", type=int, help="Campaign id, named in each page's footer.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF file to write.")
@with_appcontext
def qr_labels_command(area_id: int, campaign_id: int | None, output: Path) -> None:
    """Write door labels (QR code, community, household, instruction) for every household under an area."""
    area = db.session.get(Area, area_id)
    if area is None:
        raise click.BadParameter(f"没有编号为 {area_id} 的区域", param_hint="--area")
    campaign = db.session.get(Campaign, campaign_id) if campaign_id else None
    if campaign_id and campaign is None:
        raise click.BadParameter(f"没有编号为 {campaign_id} 的活动", param_hint="--campaign")
    try:
        font = cjk_font(current_app.config["LABEL_FONT"] or None)
    except CJKFontMissing as missing:
        raise click.ClickException(str(missing)) from missing
    progress = Progress("生成门贴", total=count_households_under(area))
    try:
        with atomic_open(output) as stream:
            count = area_labels(area, stream, current_app.config["PUBLIC_BASE_URL"], font, campaign=campaign,
                                progress=progress)
    finally:
        progress.close()
    click.echo(f"已生成 {count} 张门贴：{output}（A4，每页 12 张，按楼栋、单元、楼层、户号排序）")
