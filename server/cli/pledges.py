"""``verify-pledges``: check every campaign's pledge chain and name the first broken link."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Campaign
from server.extensions import db
from server.services.files.storage import storage
from server.services.pledges.chain import verify_chain


@click.command("verify-pledges")
@click.option("--campaign", "campaign_id", type=int, help="One campaign's id (default: every campaign).")
@with_appcontext
def verify_pledges_command(campaign_id: int | None) -> None:
    """Recompute every pledge's hash and link, and its signature file's hash; exit 1 at the first break."""
    query = select(Campaign).order_by(Campaign.id)
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    campaigns = db.session.scalars(query).all()
    if campaign_id is not None and not campaigns:
        raise click.BadParameter(f"没有编号为 {campaign_id} 的活动", param_hint="--campaign")
    broken = False
    for campaign in campaigns:
        report = verify_chain(campaign, storage())
        if report.first_break is None:
            click.echo(f"{campaign.name}（{campaign.id}）：{report.pledges} 份承诺书，签署链完整")
        else:
            broken = True
            where = f"第 {report.first_break.seq} 条" + (f"（核验码 {report.first_break.code}）"
                                                        if report.first_break.code else "")
            click.echo(f"{campaign.name}（{campaign.id}）：签署链在{where}断开：{report.first_break.reason}")
    if broken:
        raise SystemExit(1)
