"""``purge``: delete a campaign's photos, signatures and visit GPS once its retention period has passed."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from models import Campaign, utcnow
from server.extensions import db
from server.services.files.storage import storage
from server.services.privacy.retention import PurgeReport, TooEarly, purge_step


@click.command("purge")
@click.option("--campaign", "campaign_id", type=int, required=True, help="The campaign's id.")
@click.option("--older-than", "older_than", type=click.IntRange(min=0), default=None,
              help="Days after the campaign's end (default: RETENTION_DAYS, 180).")
@with_appcontext
def purge_command(campaign_id: int, older_than: int | None) -> None:
    """Delete photos, signatures and visit GPS of a campaign that ended more than --older-than days ago.

    The ledger (households, visits, pledges and every count) is kept.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.BadParameter(f"没有编号为 {campaign_id} 的活动", param_hint="--campaign")
    days = current_app.config["RETENTION_DAYS"] if older_than is None else older_than
    try:
        now, report = utcnow(), PurgeReport()
        while purge_step(campaign, days, storage(), now, report):
            db.session.commit()  # each batch once its bytes are gone: an interrupted purge resumes where it stopped
    except TooEarly as early:
        raise click.ClickException(f"{campaign.name} 于 {campaign.end_date} 结束，保留期 {days} 天，"
                                   f"{early.purgeable_on} 起才能清除") from None
    click.echo(f"{campaign.name}（{campaign.id}）：清除走访定位 {report.visits_cleared} 条，"
               f"删除照片和签名 {report.files_deleted} 个"
               + (f"，另有 {report.files_kept} 个仍被保留期内的活动使用" if report.files_kept else "")
               + "；台账保留")
