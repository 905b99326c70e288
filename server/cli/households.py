"""``import-households``: load a CSV or XLSX household register."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Area, AreaLevel
from server.extensions import db
from server.services.imports.column_mappings import remembered_mapping
from server.services.imports.household_files import FileFormatError, read_header, read_household_file
from server.services.imports.households import ImportRejected, import_households, required_fields
from server.services.registry.areas import create_area

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


def _area(area_id: int) -> Area:
    area = db.session.get(Area, area_id)
    if area is None:
        raise click.UsageError(f"没有编号为 {area_id} 的区域")
    return area


def _print_preview(report) -> None:
    """The first rows as they will be stored, as the dashboard's preview shows them."""
    if not report.sample:
        return
    click.echo("行\t街道\t社区\t网格\t楼栋\t单元\t楼层\t户号\t户主\t电话\t状态\t经度\t纬度")
    for number, row, grid in report.sample:
        cells = (number, row.street, row.community, grid, row.building, row.unit, row.floor, row.room,
                 row.head_name, row.head_phone, row.occupancy.label if row.occupancy else None, row.lng, row.lat)
        click.echo("\t".join("" if c is None else str(c) for c in cells))


@click.command("import-households")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row, print the first rows as they would be stored and "
                                              "the counts, keep nothing.")
@click.option("--area", "area_id", type=int, help="The area (district, street, community or grid) to import into, "
                                                  "by id; the levels at and above it need no column.")
@click.option("--district", help="The district to import under, by name or id (made if missing).")
@with_appcontext
def import_households_command(file: Path, dry_run: bool, area_id: int | None, district: str | None) -> None:
    """Import households from FILE (CSV or XLSX), its header found among the first rows (README: 导入住户)."""
    if area_id is not None and district is not None:
        raise click.UsageError("--area 和 --district 只能用一个")
    target = _area(area_id) if area_id is not None else _district(district)
    progress = Progress("导入住户")
    try:
        header = read_header(file)
        mapping = remembered_mapping(header, target)  # as the dashboard last mapped this header for this area
        rows = read_household_file(file, mapping, required_fields(target))
        report = import_households(rows, target, progress=progress)
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
        _print_preview(report)
    else:
        db.session.commit()
    verb = "检查通过（试运行，未保存）" if dry_run else "导入完成"
    click.echo(f"{verb}：导入到{target.name}，共 {report.rows} 行，新增 {report.created} 户，更新 {report.updated} 户，"
               f"未变 {report.unchanged} 户；新建区域 {report.areas_created} 个，楼栋 {report.buildings_created} 栋，"
               f"设置位置 {report.buildings_placed} 栋。" +
               (f"另有 {report.positions_kept} 栋已在地图上手工定位，保留原位置。" if report.positions_kept else ""))
