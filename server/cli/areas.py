"""``create-area`` and ``list-areas``: build the administrative tree a street office works in."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Area, AreaLevel, CommunityType
from server.extensions import db
from server.services.registry.areas import AreaError, add_child_area, area_tree


@click.command("create-area")
@click.option("--name", required=True, help="The area's name, e.g. 阳光社区.")
@click.option("--parent", "parent_id", type=int, help="The id of the area above (none for a district).")
@click.option("--level", type=click.Choice([level.value for level in AreaLevel]),
              help="district, street, community or grid: checked against the parent's level if given.")
@click.option("--type", "community_type", type=click.Choice([t.value for t in CommunityType]),
              help="A community's type (社区类型), e.g. 老旧小区.")
@with_appcontext
def create_area_command(name: str, parent_id: int | None, level: str | None, community_type: str | None) -> None:
    """Add an area one level below --parent (or a district) and print its id alone on stdout."""
    parent = None
    if parent_id is not None:
        parent = db.session.get(Area, parent_id)
        if parent is None:
            raise click.BadParameter(f"没有编号为 {parent_id} 的区域", param_hint="--parent")
    try:
        area = add_child_area(parent, name, AreaLevel(level) if level else None,
                              CommunityType(community_type) if community_type else None)
    except AreaError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"已创建{area.level.label}“{area.name}”，编号 {area.id}", err=True)
    click.echo(area.id)


@click.command("list-areas")
@click.option("--under", "under_id", type=int, help="Only this area and what lies beneath it.")
@with_appcontext
def list_areas_command(under_id: int | None) -> None:
    """Print the tree of areas with their ids, the ids other commands take as --area."""
    if under_id is not None:
        root = db.session.get(Area, under_id)
        if root is None:
            raise click.BadParameter(f"没有编号为 {under_id} 的区域", param_hint="--under")
        roots = [root]
    else:
        roots = list(db.session.scalars(select(Area).where(Area.parent_id.is_(None)).order_by(Area.name)))
    if not roots:
        click.echo("还没有任何区域：先用 create-area --name 区名 建一个区", err=True)
    for root in roots:
        depth0 = len(root.ancestor_ids)
        for area in area_tree(root):
            indent = "  " * (len(area.ancestor_ids) - depth0)
            click.echo(f"{indent}{area.id}\t{area.level.label}\t{area.name}")
