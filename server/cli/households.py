"""``import-households``: load a CSV or XLSX household register."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Area, AreaLevel
from server.extensions import db
from server.services.areas import create_area
from server.services.household_files import FileFormatError, read_household_file
from server.services.household_import import ImportRejected, import_households

from .progress import Progress


def _district(choice: str | None) -> Area:
    districts = list(db.session.scalars(select(Area).where(Area.level == AreaLevel.DISTRICT)))
    if choice is None:
        if len(districts) == 1:
            return districts[0]
        if not districts:
            raise click.UsageError("数据库中还没有区，请用 --district 指定区名（将自动创建）")
        names = "、".join(f"{d.name}（{d.id}）" for d in districts)
        raise click.UsageError(f"有多个区，请用 --district 指定：{names}")
    for district in districts:
        if choice in (district.name, str(district.id)):
            return district
    if choice.isdigit():
        raise click.UsageError(f"没有编号为 {choice} 的区")
    return create_area(choice, AreaLevel.DISTRICT)


@click.command("import-households")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report, but keep nothing.")
@click.option("--district", help="The district to import under, by name or id (made if missing).")
@with_appcontext
def import_households_command(file: Path, dry_run: bool, district: str | None) -> None:
    """Import households from FILE (CSV or XLSX) headed 街道,社区,网格,楼栋,单元,楼层,户号,户主,电话,状态."""
    progress = Progress("导入住户")
    try:
        report = import_households(read_household_file(file), _district(district), progress=progress)
    except FileFormatError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    except ImportRejected as rejected:
        db.session.rollback()
        report = rejected.report
        for error in report.errors:
            click.echo(str(error), err=True)
        if report.error_count > len(report.errors):
            click.echo(f"……另有 {report.error_count - len(report.errors)} 处错误未列出", err=True)
        raise click.ClickException(f"共 {report.rows} 行，其中 {report.error_count} 处错误，未导入任何数据。"
                                   "请改正后重新导入。") from None
    finally:
        progress.close()
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "检查通过（试运行，未保存）" if dry_run else "导入完成"
    click.echo(f"{verb}：共 {report.rows} 行，新增 {report.created} 户，更新 {report.updated} 户，"
               f"未变 {report.unchanged} 户；新建区域 {report.areas_created} 个，楼栋 {report.buildings_created} 栋。")
