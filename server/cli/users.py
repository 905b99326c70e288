"""``create-user``: make a staff account."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from models import Area, Role
from server.extensions import db
from server.services.accounts import AccountError, create_user


@click.command("create-user")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--area", "area_ids", required=True, multiple=True, type=int, help="Area id; repeat for several.")
@click.option("--name", required=True, help="The person's name, e.g. 张三.")
@click.option("--username", help="Login name for web roles (made up if omitted).")
@click.option("--password", help="For web roles; a random one is made and printed if omitted.")
@with_appcontext
def create_user_command(role: str, area_ids: tuple[int, ...], name: str, username: str | None,
                        password: str | None) -> None:
    """Create a staff account: a password for web roles, a one-time invite code for workers."""
    areas = []
    for area_id in area_ids:
        area = db.session.get(Area, area_id)
        if area is None:
            raise click.BadParameter(f"没有编号为 {area_id} 的区域", param_hint="--area")
        areas.append(area)
    try:
        account = create_user(name, Role(role), areas, username=username, password=password,
                              invite_ttl_hours=current_app.config["INVITE_TTL_HOURS"])
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    user = account.user
    click.echo(f"已创建 {user.role.label} {user.name}，用户名 {user.username}")
    if account.invite_code:
        hours = current_app.config["INVITE_TTL_HOURS"]
        click.echo(f"一次性邀请码：{account.invite_code}（{hours} 小时内有效，用一次即失效）")
    elif password is None:
        click.echo(f"初始密码：{account.password}（只显示这一次，请转交本人）")
