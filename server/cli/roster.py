"""``import-workers``: import a roster of grid workers and volunteers, and print their invite sheet."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from models import Area
from server.extensions import db
from server.services.access import audit
from server.services.files.atomic import atomic_open
from server.services.imports.invite_sheet import write_invite_sheet
from server.services.imports.roster import RosterRejected, check_roster, import_roster, read_roster
from server.services.imports.table_files import FileFormatError
from server.services.registry.font import CJKFontMissing, cjk_font

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@click.command("import-workers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--area", "area_id", required=True, type=int, help="Area id: the grid, community or street imported into.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("invites.pdf"),
              show_default=True, help="The invite sheet (PDF) to write.")
@click.option("--dry-run", is_flag=True, help="Check the file and show what would be created, writing nothing.")
@with_appcontext
def import_workers_command(file: Path, area_id: int, output: Path, dry_run: bool) -> None:
    """Create accounts and one-time invite codes for a roster (姓名, 手机, 网格 or 楼栋, 角色) and write the invite
    sheet: one card per person with the code as text and QR code."""
    area = db.session.get(Area, area_id)
    if area is None:
        raise click.BadParameter(f"没有编号为 {area_id} 的区域", param_hint="--area")
    ttl = current_app.config["INVITE_TTL_HOURS"]
    font = None
    if not dry_run:
        try:
            font = cjk_font(current_app.config["LABEL_FONT"] or None)
        except CJKFontMissing as missing:
            raise click.ClickException(str(missing)) from missing
    try:
        if dry_run:
            plan = check_roster(read_roster(file), area)
        else:
            result = import_roster(read_roster(file), area, ttl_hours=ttl)
            plan = result.plan
    except FileFormatError as bad:
        db.session.rollback()
        raise click.ClickException(str(bad)) from bad
    except RosterRejected as rejected:
        db.session.rollback()
        for error in rejected.plan.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"有 {rejected.plan.error_count} 处错误，没有导入任何人员") from rejected
    summary = f"新增 {plan.count('new')} 人，更新 {plan.count('updated')} 人，未变 {plan.count('unchanged')} 人"
    if dry_run:
        db.session.rollback()
        for entry in plan.entries:
            click.echo(f"第 {entry.row} 行：{entry.name} · {entry.role.label} · {entry.grid_label}"
                       f"（{ {'new': '新增', 'updated': '更新', 'unchanged': '未变'}[entry.change] }）")
        click.echo(f"检查通过（未写入）：{summary}")
        return
    audit.record(None, "import_roster", "area", area.id,
                 {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                  "invites": len(result.cards), "via": "cli"})
    valid_until = (dt.datetime.now(SHANGHAI) + dt.timedelta(hours=ttl)).strftime("%Y-%m-%d %H:%M")
    try:
        with atomic_open(output) as stream:
            write_invite_sheet(result.cards, stream, current_app.config["PUBLIC_BASE_URL"], font,
                               heading=f"{area.name} 人员邀请卡", valid_until=valid_until)
    except OSError as exc:  # nothing is kept: codes nobody can hand out would only lock the roster out
        db.session.rollback()
        raise click.ClickException(f"无法写入 {output}：{exc.strerror}；没有导入任何人员") from exc
    db.session.commit()
    click.echo(f"导入完成：{summary}")
    if result.already_signed_in:
        click.echo(f"已登录过、未重发邀请码：{'、'.join(result.already_signed_in)}")
    click.echo(f"邀请卡 {len(result.cards)} 张：{output}（A4，每页 8 张；邀请码 {ttl} 小时内有效，用一次即失效）")
