"""The 入户宣传台账 as an Excel file: one row per household, and a summary per community and grid.

Written with XlsxWriter in constant-memory mode (each row goes to disk as soon
as the next one starts), households fetched and written a thousand at a time,
so memory stays flat however large the area. Headers are Chinese and frozen;
the file opens in Excel, WPS and LibreOffice.

Every text goes in with ``write_string``: a resident's feedback that starts
with "=" stays text, never becomes a formula. Empty cells are left out.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import Integer, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased
from xlsxwriter import Workbook

from models import (COUNTERS, Area, AreaLevel, Building, Campaign, Feedback, FeedbackCategory, FeedbackStatus,
                    Household, HouseholdProgress, LedgerArea, Material, Outcome, Pledge, Quiz, QuizAnswer, Standing,
                    User, Visit, VisitMaterial)
from server.extensions import db
from server.services.ledger.counters import rates
from server.services.privacy.masking import mask_name
from server.services.registry.areas import areas_under, grid_ids_under
from server.services.registry.door_order import door_order
from server.timefmt import local_time

HOUSEHOLD_COLUMNS = (("序号", 7), ("街道", 12), ("社区", 14), ("网格", 10), ("楼栋", 8), ("单元", 6), ("户号", 8),
                     ("入户时间", 17), ("宣传人员", 10), ("走访结果", 12), ("发放资料", 30), ("是否签字", 9),
                     ("签字人", 16), ("宣传图片", 10), ("三有齐全", 9), ("意见建议", 42), ("回复情况", 32),
                     ("答题得分", 9), ("知晓", 6), ("满意度", 10))
SUMMARY_COLUMNS = (("社区", 14), ("网格", 12), ("住户", 8), ("应宣传户", 9), ("已走访", 8), ("已入户", 8), ("入户率", 8),
                   ("已签字", 8), ("签字率", 8), ("三有", 8), ("三有率", 8), ("待回访", 8),
                   ("答题户", 8), ("知晓户", 8), ("知晓率", 8), ("满意度答题户", 12), ("满意户", 8), ("满意度", 8))
CHUNK = 1000
PHOTO_COLUMN = 13  # 宣传图片: a HYPERLINK formula to the photo, or 无
HEADER_FORMAT = {"bold": True, "bg_color": "#E8F5E9", "align": "center", "valign": "vcenter"}
#: Widths above are the stored column widths. XlsxWriter's set_column would add Excel's 5 pixels of padding to them;
#: given in pixels at the default font's 7 a character, they are stored as they are.
_PIXELS_PER_CHARACTER = 7


@dataclass
class ExportSummary:
    rows: int = 0
    totals: dict[str, int] = field(default_factory=dict)


def _header(workbook, sheet, columns) -> None:
    header = workbook.add_format(HEADER_FORMAT)
    for index, (title, width) in enumerate(columns):
        sheet.set_column_pixels(index, index, width * _PIXELS_PER_CHARACTER)
        sheet.write_string(0, index, title, header)
    sheet.freeze_panes(1, 0)


def _household_rows(area: Area):
    community, grid, street = aliased(Area), aliased(Area), aliased(Area)
    return db.session.execute(
        select(Household.id, street.name, community.name, grid.name, Building.name, Household.unit, Household.room,
               Household.occupancy)
        .join(Building, Household.building_id == Building.id)
        .join(grid, Building.grid_id == grid.id)
        .join(community, Building.community_id == community.id)
        .join(street, community.parent_id == street.id)
        .where(Building.grid_id.in_(grid_ids_under(area)))
        .order_by(*door_order(grid))
        .execution_options(yield_per=CHUNK))


def _among(column, ids: list[int]):
    """``column IN ids``; on PostgreSQL as ``= ANY(array)``: one parameter, not a thousand to render and parse."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return column.in_(ids)


@dataclass
class _Details:
    """What the rows of one chunk of households need, by household id."""
    visits: dict = field(default_factory=lambda: defaultdict(list))
    materials: dict = field(default_factory=lambda: defaultdict(list))
    signers: dict = field(default_factory=lambda: defaultdict(list))
    feedback: dict = field(default_factory=lambda: defaultdict(list))
    progress: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)


def _details(campaign: Campaign, ids: list[int]) -> _Details:
    """Everything the rows of these households need, in five plain-column queries."""
    details = _Details()
    for household_id, outcome, visited_at, photo, worker in db.session.execute(
            select(Visit.household_id, Visit.outcome, Visit.visited_at, Visit.photo_file_id, User.name)
            .join(User, User.id == Visit.worker_id)
            .where(Visit.campaign_id == campaign.id, _among(Visit.household_id, ids), Visit.found_false_at.is_(None))
            .order_by(Visit.visited_at)):
        details.visits[household_id].append((outcome, visited_at, photo, worker))
    materials = db.session.execute(
        select(Visit.household_id, Material.name, Material.sort_order, func.sum(VisitMaterial.quantity))
        .join(Visit, Visit.id == VisitMaterial.visit_id).join(Material, Material.id == VisitMaterial.material_id)
        .where(Visit.campaign_id == campaign.id, _among(Visit.household_id, ids), Visit.found_false_at.is_(None))
        .group_by(Visit.household_id, Material.name, Material.sort_order)).all()
    for household_id, name, _, quantity in sorted(materials, key=lambda m: (m[0], m[2])):
        details.materials[household_id].append(f"{name}×{quantity}")
    for household_id, name in db.session.execute(select(Pledge.household_id, Pledge.signer_name).where(
            Pledge.campaign_id == campaign.id, _among(Pledge.household_id, ids)).order_by(Pledge.seq)):
        details.signers[household_id].append(mask_name(name))
    for household_id, category, text, status, reply in db.session.execute(
            select(Feedback.household_id, Feedback.category, Feedback.text, Feedback.status, Feedback.reply)
            .where(Feedback.campaign_id == campaign.id, _among(Feedback.household_id, ids))
            .order_by(Feedback.created_at)):
        details.feedback[household_id].append((category, text, status, reply))
    p = HouseholdProgress
    details.progress = {row.household_id: row for row in db.session.execute(
        select(p.household_id, p.visited, p.contacted, p.evidenced, p.pledged, p.last_outcome, p.quiz_respondents,
               p.quiz_passed, p.satisfaction_respondents, p.satisfied).where(
            p.campaign_id == campaign.id, _among(p.household_id, ids)))}
    latest = select(func.max(QuizAnswer.id)).where(QuizAnswer.campaign_id == campaign.id,
                                                   _among(QuizAnswer.household_id, ids)).group_by(QuizAnswer.household_id)
    details.answers = {row.household_id: row for row in db.session.execute(
        select(QuizAnswer.household_id, QuizAnswer.correct, QuizAnswer.passed, QuizAnswer.satisfaction,
               Quiz.questions, Quiz.satisfaction_options)
        .join(Quiz, Quiz.id == QuizAnswer.quiz_id).where(QuizAnswer.id.in_(latest)))}
    return details


def _quiz_cells(answer, progress) -> tuple:
    """答题得分 (2/3), 知晓 (是/否, as the ledger counts it), 满意度 (the option chosen) of a row's current answer."""
    if answer is None:
        return None, None, None
    score = f"{answer.correct}/{len(answer.questions)}" if answer.passed is not None else None
    knows = ("是" if progress.quiz_passed else "否") if progress is not None and progress.quiz_respondents else None
    options = answer.satisfaction_options or []
    satisfaction = options[answer.satisfaction] if answer.satisfaction is not None \
        and answer.satisfaction < len(options) else None
    return score, knows, satisfaction


_OUTCOME = {outcome: outcome.label for outcome in Outcome}
_CATEGORY = {category: category.label for category in FeedbackCategory}
_STATUS = {status: status.label for status in FeedbackStatus}
OUT_OF_SCOPE, NOT_VISITED = "空置（已确认）", "未走访"


def visit_result(standing: Standing, last_outcome: Outcome | None) -> str:
    """走访结果 of a row: 空置（已确认） out of scope, 未走访, 入户宣传 once contacted, else the last outcome.

    So that counting the rows gives the ledger's figures: 入户宣传 is ``contacted``, 无人在家 ``revisit_due``.
    """
    if not standing.in_scope:
        return OUT_OF_SCOPE
    if not standing.visited:
        return NOT_VISITED
    return _OUTCOME[Outcome.CONTACTED if standing.contacted else last_outcome]


def _rows(households: list, details: _Details, first: int, files_url: str):
    """The cells of these households' rows, in order; an empty cell is None, so that nothing is written for it."""
    visits_of, materials_of, signers_of = details.visits.get, details.materials.get, details.signers.get
    feedback_of, progress_of = details.feedback.get, details.progress.get
    for number, household in enumerate(households, first):
        household_id, street, community, grid, building, unit, room, _ = household
        progress = progress_of(household_id)
        standing = Standing(household, progress)  # the row carries the household's occupancy
        visits = visits_of(household_id)
        if visits:
            shown = next((v for v in visits if v[0] is Outcome.CONTACTED), visits[-1])
            when, worker = local_time(shown[1]), shown[3]
            photo = next((v[2] for v in visits if v[2]), None)
        else:
            when = worker = photo = None
        materials, signers, feedback = materials_of(household_id), signers_of(household_id), feedback_of(household_id)
        yield (number, street, community, grid, building, unit or None, room, when, worker,
               visit_result(standing, progress.last_outcome if progress else None),
               "、".join(materials) if materials else None,
               "是" if signers else "否", "、".join(signers) if signers else None,
               f'=HYPERLINK("{files_url}{photo}","有")' if photo else "无",
               "是" if standing.documented else "否",
               "；".join(f"[{_CATEGORY[f[0]]}] {f[1]}" for f in feedback) if feedback else None,
               "；".join(f"已回复：{f[3]}" if f[3] else _STATUS[f[2]] for f in feedback) if feedback else None,
               *_quiz_cells(details.answers.get(household_id), progress))


def _summary(workbook, sheet, campaign: Campaign, area: Area) -> None:
    _header(workbook, sheet, SUMMARY_COLUMNS)
    percent = workbook.add_format({"num_format": "0.0%"})
    levels = [AreaLevel.COMMUNITY, AreaLevel.GRID] if area.level.value in ("district", "street", "community") else \
        [AreaLevel.GRID]
    nodes = [a for a in db.session.scalars(areas_under(area)) if a.level in levels]
    counters = {r.area_id: r for r in db.session.scalars(select(LedgerArea).where(
        LedgerArea.campaign_id == campaign.id, LedgerArea.area_id.in_([a.id for a in nodes] + [area.id])))}
    names = {a.id: a.name for a in db.session.scalars(areas_under(area))}
    lines = [(node.name, "（社区合计）", node.id) if node.level is AreaLevel.COMMUNITY else
             (names.get(node.parent_id, ""), node.name, node.id) for node in nodes]
    lines.append((f"{area.name} 合计", "", area.id))
    for row, (first, second, area_id) in enumerate(lines, start=1):
        counter = counters.get(area_id)
        c = {name: getattr(counter, name) if counter else 0 for name in COUNTERS}
        sheet.write_string(row, 0, first)
        sheet.write_string(row, 1, second)
        for col, name in ((2, "households"), (3, "in_scope"), (4, "visited"), (5, "contacted"), (7, "pledged"),
                          (9, "documented"), (11, "revisit_due"), (12, "quiz_respondents"), (13, "quiz_passed"),
                          (15, "satisfaction_respondents"), (16, "satisfied")):
            sheet.write_number(row, col, c[name])
        shares = rates(c)
        for col, name in ((6, "contacted"), (8, "pledged"), (10, "documented"), (14, "knowledge"),
                          (17, "satisfaction")):
            if shares[name] is not None:
                sheet.write_number(row, col, shares[name], percent)
            else:
                sheet.write_blank(row, col, None, percent)


def export_ledger(campaign: Campaign, area: Area, output: BinaryIO | str, base_url: str,
                  progress: Callable[[int], None] | None = None) -> ExportSummary:
    """Write the 台账 of ``area`` in ``campaign`` as XLSX to ``output``; returns how many household rows."""
    workbook = Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet("入户宣传台账")
    _header(workbook, sheet, HOUSEHOLD_COLUMNS)
    summary = ExportSummary()
    chunk: list = []
    number, string, formula, files_url = sheet.write_number, sheet.write_string, sheet.write_formula, \
        f"{base_url}/dashboard/files/"

    def write(rows) -> None:
        details = _details(campaign, [r[0] for r in rows])
        for row, cells in enumerate(_rows(rows, details, summary.rows + 1, files_url), start=summary.rows + 1):
            number(row, 0, cells[0])
            for col in range(1, len(HOUSEHOLD_COLUMNS)):
                value = cells[col]
                if value is None:
                    continue
                if col == PHOTO_COLUMN and value != "无":
                    formula(row, col, value, None, "有")  # with its result, for viewers that don't calculate
                else:
                    string(row, col, value)
        summary.rows += len(rows)
        if progress:
            progress(summary.rows)

    for row in _household_rows(area):
        chunk.append(row)
        if len(chunk) == CHUNK:
            write(chunk)
            chunk = []
    if chunk:
        write(chunk)
    _summary(workbook, workbook.add_worksheet("汇总"), campaign, area)
    own = db.session.get(LedgerArea, (campaign.id, area.id))
    summary.totals = {name: getattr(own, name) if own else 0 for name in COUNTERS}
    workbook.close()
    return summary
