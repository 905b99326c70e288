"""The 入户宣传台账 as an Excel file: one row per household, and a summary per community and grid.

Written with openpyxl in write-only mode, households fetched and written a
thousand at a time, so memory stays flat however large the area. Headers are
Chinese and frozen; the file opens in Excel, WPS and LibreOffice.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from models import (COUNTERS, Area, AreaLevel, Building, Campaign, Feedback, Household,
                    HouseholdProgress, LedgerArea, Material, Outcome, Pledge, User, Visit, VisitMaterial)
from server.extensions import db
from server.services.areas import areas_under, grid_ids_under
from server.timefmt import local_time

HOUSEHOLD_COLUMNS = (("序号", 7), ("街道", 12), ("社区", 14), ("网格", 10), ("楼栋", 8), ("单元", 6), ("户号", 8),
                     ("入户时间", 17), ("宣传人员", 10), ("走访结果", 12), ("发放资料", 30), ("是否签字", 9),
                     ("签字人", 16), ("宣传图片", 10), ("意见建议", 42), ("回复情况", 32))
SUMMARY_COLUMNS = (("社区", 14), ("网格", 12), ("住户", 8), ("应宣传户", 9), ("已走访", 8), ("已入户", 8), ("入户率", 8),
                   ("已签字", 8), ("签字率", 8), ("三有", 8), ("三有率", 8), ("待回访", 8))
CHUNK = 1000
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8F5E9")


@dataclass
class ExportSummary:
    rows: int = 0
    totals: dict[str, int] = field(default_factory=dict)


def _header(sheet, columns) -> None:
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for title, _ in columns:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cells.append(cell)
    sheet.append(cells)


def _household_rows(area: Area):
    community, grid, street = aliased(Area), aliased(Area), aliased(Area)
    return db.session.execute(
        select(Household.id, street.name, community.name, grid.name, Building.name, Household.unit, Household.room)
        .join(Building, Household.building_id == Building.id)
        .join(grid, Building.grid_id == grid.id)
        .join(community, Building.community_id == community.id)
        .join(street, community.parent_id == street.id)
        .where(Building.grid_id.in_(grid_ids_under(area)))
        .order_by(community.path, grid.path, func.length(Building.name), Building.name, func.length(Household.unit),
                  Household.unit, Household.floor, func.length(Household.room), Household.room)
        .execution_options(yield_per=CHUNK))


def _details(campaign: Campaign, ids: list[int]) -> dict:
    """Everything the rows of these households need, in a handful of queries."""
    visits = db.session.execute(
        select(Visit.household_id, Visit.id, Visit.outcome, Visit.visited_at, Visit.photo_file_id, User.name)
        .join(User, User.id == Visit.worker_id)
        .where(Visit.campaign_id == campaign.id, Visit.household_id.in_(ids)).order_by(Visit.visited_at)).all()
    materials = db.session.execute(
        select(Visit.household_id, Material.name, Material.sort_order, func.sum(VisitMaterial.quantity))
        .join(Visit, Visit.id == VisitMaterial.visit_id).join(Material, Material.id == VisitMaterial.material_id)
        .where(Visit.campaign_id == campaign.id, Visit.household_id.in_(ids))
        .group_by(Visit.household_id, Material.name, Material.sort_order)).all()
    pledges = db.session.execute(select(Pledge.household_id, Pledge.signer_name).where(
        Pledge.campaign_id == campaign.id, Pledge.household_id.in_(ids)).order_by(Pledge.seq)).all()
    feedback = db.session.execute(select(Feedback.household_id, Feedback.category, Feedback.text, Feedback.status,
                                         Feedback.reply).where(Feedback.campaign_id == campaign.id,
                                                               Feedback.household_id.in_(ids))
                                  .order_by(Feedback.created_at)).all()
    progress = {p.household_id: p for p in db.session.scalars(select(HouseholdProgress).where(
        HouseholdProgress.campaign_id == campaign.id, HouseholdProgress.household_id.in_(ids)))}
    grouped = {"visits": defaultdict(list), "materials": defaultdict(list), "pledges": defaultdict(list),
               "feedback": defaultdict(list)}
    for row in visits:
        grouped["visits"][row.household_id].append(row)
    for household_id, name, order, quantity in sorted(materials, key=lambda m: (m[0], m[2])):
        grouped["materials"][household_id].append(f"{name}×{quantity}")
    for household_id, name in pledges:
        grouped["pledges"][household_id].append(name)
    for row in feedback:
        grouped["feedback"][row.household_id].append(row)
    grouped["progress"] = progress
    return grouped


def _row(sheet, number: int, household, details: dict, base_url: str) -> list:
    household_id = household[0]
    visits = details["visits"].get(household_id, [])
    contacted = next((v for v in visits if v.outcome is Outcome.CONTACTED), None)
    shown = contacted or (visits[-1] if visits else None)
    photo = next((v.photo_file_id for v in visits if v.photo_file_id), None)
    feedback = details["feedback"].get(household_id, [])
    signers = details["pledges"].get(household_id, [])
    progress = details["progress"].get(household_id)
    photo_cell = (f'=HYPERLINK("{base_url}/dashboard/files/{photo}","有")' if photo else "无")
    return [number, *household[1:4], household[4], household[5] or "", household[6],
            local_time(shown.visited_at) if shown else "", shown.name if shown else "",
            progress.last_outcome.label if progress and progress.last_outcome else "未走访",
            "、".join(details["materials"].get(household_id, [])), "是" if signers else "否", "、".join(signers),
            photo_cell,
            "；".join(f"[{f.category.label}] {f.text}" for f in feedback),
            "；".join(f"已回复：{f.reply}" if f.reply else f.status.label for f in feedback)]


def _summary(sheet, campaign: Campaign, area: Area) -> None:
    _header(sheet, SUMMARY_COLUMNS)
    levels = [AreaLevel.COMMUNITY, AreaLevel.GRID] if area.level.value in ("district", "street", "community") else \
        [AreaLevel.GRID]
    nodes = [a for a in db.session.scalars(areas_under(area)) if a.level in levels]
    counters = {r.area_id: r for r in db.session.scalars(select(LedgerArea).where(
        LedgerArea.campaign_id == campaign.id, LedgerArea.area_id.in_([a.id for a in nodes] + [area.id])))}
    names = {a.id: a.name for a in db.session.scalars(areas_under(area))}

    def rate(n: int, whole: int):
        cell = WriteOnlyCell(sheet, value=round(n / whole, 4) if whole else None)
        cell.number_format = "0.0%"
        return cell

    def line(first: str, second: str, counter) -> list:
        c = {name: getattr(counter, name) if counter else 0 for name in COUNTERS}
        return [first, second, c["households"], c["in_scope"], c["visited"], c["contacted"],
                rate(c["contacted"], c["in_scope"]), c["pledged"], rate(c["pledged"], c["in_scope"]), c["documented"],
                rate(c["documented"], c["in_scope"]), c["revisit_due"]]

    for node in nodes:
        if node.level is AreaLevel.COMMUNITY:
            sheet.append(line(node.name, "（社区合计）", counters.get(node.id)))
        else:
            sheet.append(line(names.get(node.parent_id, ""), node.name, counters.get(node.id)))
    sheet.append(line(f"{area.name} 合计", "", counters.get(area.id)))


def export_ledger(campaign: Campaign, area: Area, output: BinaryIO | str, base_url: str,
                  progress: Callable[[int], None] | None = None) -> ExportSummary:
    """Write the 台账 of ``area`` in ``campaign`` as XLSX to ``output``; returns how many household rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("入户宣传台账")
    _header(sheet, HOUSEHOLD_COLUMNS)
    summary = ExportSummary()
    chunk: list = []

    def write(rows) -> None:
        details = _details(campaign, [r[0] for r in rows])
        for row in rows:
            summary.rows += 1
            sheet.append(_row(sheet, summary.rows, row, details, base_url))
        if progress:
            progress(summary.rows)

    for row in _household_rows(area):
        chunk.append(row)
        if len(chunk) == CHUNK:
            write(chunk)
            chunk = []
    if chunk:
        write(chunk)
    _summary(workbook.create_sheet("汇总"), campaign, area)
    own = db.session.get(LedgerArea, (campaign.id, area.id))
    summary.totals = {name: getattr(own, name) if own else 0 for name in COUNTERS}
    workbook.save(output)
    return summary
