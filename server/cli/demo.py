"""``seed-demo``: build the demo city."""
from __future__ import annotations

import random

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Area, Role
from server.extensions import db
from server.services.demo.activity import simulate_field_work
from server.services.demo.city import DEMO_PASSWORD, seed_demo_city
from server.services.files.storage import storage

from .progress import Progress


@click.command("seed-demo")
@click.option("--households", "count", default=3000, show_default=True, type=click.IntRange(min=1),
              help="About how many households to build.")
@click.option("--seed", default=0, show_default=True, help="Random seed: the same seed builds the same city.")
@click.option("--activity", type=click.FloatRange(0, 1), default=None,
              help="Share of households already visited (default 0.35 up to 20,000 households, else 0).")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already holds areas.")
@with_appcontext
def seed_demo_command(count: int, seed: int, activity: float | None, if_empty: bool) -> None:
    """Build a demo city: areas, buildings, households, staff and an active campaign (never in production)."""
    if current_app.config["QIAOMEN_ENV"] == "production":
        raise click.ClickException("生产模式下不能生成演示数据（演示账号共用公开密码）：试用请设 QIAOMEN_ENV=development")
    if db.session.scalar(select(Area.id).limit(1)) is not None:
        if if_empty:
            click.echo("数据库中已有数据，跳过演示数据。")
            return
        raise click.ClickException("数据库中已有区域数据，演示数据只能建在空库上（可先删除数据库文件）。")
    progress = Progress("生成住户", total=count)
    try:
        city = seed_demo_city(households=count, seed=seed, progress=progress)
        db.session.commit()
    finally:
        progress.close()
    share = activity if activity is not None else (0.35 if count <= 20_000 else 0.0)
    if share:
        visits = Progress("模拟入户走访")
        try:
            made = simulate_field_work(city.campaign, share, random.Random(seed), storage(),
                                       progress=visits)
            db.session.commit()
        finally:
            visits.close()
        click.echo(f"已模拟近两周的入户走访 {made} 次（含照片、宣传资料、承诺书签名和居民意见）。")
    click.echo(f"演示城市已建好：{city.district.name}，{city.communities} 个社区，{city.grids} 个网格，"
               f"{city.buildings} 栋楼，{city.households} 户；进行中的活动：{city.campaign.name}")
    click.echo(f"\n管理人员用用户名和密码登录网页（密码均为 {DEMO_PASSWORD}）：")
    for login in city.logins:
        if not login.role.is_field_worker:
            click.echo(f"  {login.role.label:<6} {login.username:<12} {login.name}（{login.area}）")
    click.echo("\n网格员在小程序中用以下一次性邀请码绑定账号（30 天内有效）：")
    for login in city.logins:
        if login.role is Role.GRID_WORKER:
            click.echo(f"  {login.username:<14} {login.secret}  {login.name}（{login.area}）")
