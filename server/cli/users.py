"""``create-user`` and ``set-password``: make a staff account, give a head or admin a new password."""
from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import with_appcontext

from models import Area, Role
from server.extensions import db
from server.services.access.accounts import AccountError, create_user, password_account, reset_password


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


@click.command("set-password")
@click.argument("username")
@click.option("--password", help="The new password (8+ characters); a random one is made and printed if omitted.")
@with_appcontext
def set_password_command(username: str, password: str | None) -> None:
    """Set a head's or admin's password, e.g. to replace the demo's public one; clears a lock-out and signs the
    account out everywhere."""
    chosen = password or secrets.token_urlsafe(9)
    try:
        user = password_account(username)
        reset_password(user, chosen)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"已为 {user.name}（{user.username}）设置新密码" + ("" if password else f"：{chosen}（只显示这一次）"))
