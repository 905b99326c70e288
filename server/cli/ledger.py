"""``rebuild-ledger``: recompute the ledger from the visit and pledge rows, and report any drift."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Campaign
from server.extensions import db
from server.services.ledger.rebuild import rebuild_ledger

_KIND_LABELS = {"building": "楼栋", "area": "区域", "day": "区域（按日）"}


@click.command("rebuild-ledger")
@click.option("--campaign", "campaign_id", type=int, help="One campaign's id (default: every campaign).")
@with_appcontext
def rebuild_ledger_command(campaign_id: int | None) -> None:
    """Recount every household's progress and every roll-up; fix and list what had drifted."""
    query = select(Campaign).order_by(Campaign.id)
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    campaigns = db.session.scalars(query).all()
    if campaign_id is not None and not campaigns:
        raise click.BadParameter(f"没有编号为 {campaign_id} 的活动", param_hint="--campaign")
    for campaign in campaigns:
        drift = rebuild_ledger(campaign)
        db.session.commit()
        if not drift.progress_rows_fixed and not drift.rollups_fixed:
            click.echo(f"{campaign.name}（{campaign.id}）：台账一致，无需修正")
            continue
        click.echo(f"{campaign.name}（{campaign.id}）：修正住户进度 {drift.progress_rows_fixed} 条，"
                   f"汇总 {len(drift.rollups_fixed)} 条")
        for kind, node_id, changes in drift.rollups_fixed[:50]:
            detail = "，".join(f"{name} {had}→{now}" for name, (had, now) in changes.items())
            click.echo(f"  {_KIND_LABELS[kind]} {node_id}：{detail}")
        if len(drift.rollups_fixed) > 50:
            click.echo(f"  ……另有 {len(drift.rollups_fixed) - 50} 条")
