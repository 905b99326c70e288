"""``backup`` and ``sweep-files``: an online copy of a SQLite database, and sweeping unused uploads."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from models import utcnow
from server.database.backup import BackupNotSupported, backup_sqlite
from server.extensions import db
from server.services.files.storage import storage
from server.services.files.sweep import sweep_stray_files, sweep_unused_rows
from server.services.imports.staged import sweep_staged
from server.services.jobs import remove_expired_job_files


@click.command("backup")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the copy (default: instance/backups/qiaomen-<time>.db).")
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Copy the SQLite database while the app keeps running; on PostgreSQL, use pg_dump."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    output = output or Path(current_app.config["INSTANCE_DIR"]) / "backups" / f"qiaomen-{stamp}.db"
    try:
        size = backup_sqlite(url, output)
    except BackupNotSupported:
        database = make_url(url).render_as_string(hide_password=True)
        raise click.ClickException(
            "PostgreSQL 请用它自带的在线备份：\n"
            f"  pg_dump --format=custom --file qiaomen-{stamp}.dump '{database}'\n"
            "恢复：pg_restore --clean --if-exists --dbname <数据库> qiaomen-<时间>.dump") from None
    click.echo(f"已备份到 {output}（{size / 1024 / 1024:.1f} MB），可直接用 DATABASE_URL=sqlite:///{output} 打开")


@click.command("sweep-files")
@click.option("--grace-days", type=click.IntRange(min=1), default=7, show_default=True,
              help="Keep unused uploads this long: an offline phone may still send the visit that uses them.")
@with_appcontext
def sweep_files_command(grace_days: int) -> None:
    """Delete uploads no visit or pledge uses (after the grace period), files on disk with no record, registers
    uploaded for import over an hour ago, and exported files kept past JOB_FILE_HOURS."""
    now, grace = utcnow(), dt.timedelta(days=grace_days)
    rows = 0
    while deleted := sweep_unused_rows(now, grace):  # a batch at a time, each committed
        rows += deleted
        db.session.commit()
    files = sweep_stray_files(storage(), now, grace)
    staged = sweep_staged()  # registers uploaded for import, neither confirmed nor cancelled within the hour
    jobs = remove_expired_job_files(now)  # exports and labels kept JOB_FILE_HOURS
    db.session.commit()
    click.echo(f"删除未被使用的上传记录 {rows} 条，磁盘上的孤立文件 {files} 个，"
               f"过期的待导入台账 {staged} 个，过期的导出文件 {jobs} 个")
