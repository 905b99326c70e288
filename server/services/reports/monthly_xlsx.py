"""The monthly report's figures as an Excel workbook, one sheet a part: 概况, 趋势, 分社区 (分网格 …), 红黑榜, 复核,
意见建议, 宣传资料. Counts are numbers, rates are numbers formatted as percentages, so a head can sum and sort them;
every text goes in with ``write_string``, never as a formula."""
from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from xlsxwriter import Workbook

from models import FeedbackStatus

from .monthly_figures import MonthlyFigures

HEADER_FORMAT = {"bold": True, "bg_color": "#E8F5E9", "align": "center", "valign": "vcenter", "border": 1}
SHEETS = 7


class _Sheets:
    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.header = workbook.add_format(HEADER_FORMAT)
        self.percent = workbook.add_format({"num_format": "0.0%"})
        self.day = workbook.add_format({"num_format": "yyyy-mm-dd"})

    def sheet(self, name: str, columns: list[tuple[str, int]]):
        sheet = self.workbook.add_worksheet(name)
        for index, (title, width) in enumerate(columns):
            sheet.set_column(index, index, width)
            sheet.write_string(0, index, title, self.header)
        sheet.freeze_panes(1, 0)
        return sheet

    def cell(self, sheet, row: int, col: int, value, rate: bool = False) -> None:
        """A text as a string, a count as a number, a rate as a percentage; an empty cell for None."""
        if value is None:
            return
        if isinstance(value, str):
            sheet.write_string(row, col, value)
        elif rate:
            sheet.write_number(row, col, value, self.percent)
        else:
            sheet.write_number(row, col, value)


def _overview(book: _Sheets, f: MonthlyFigures) -> None:
    sheet = book.sheet("概况", [("指标", 26), ("数值", 14), ("比率", 10)])
    t, r = f.totals, f.rates
    rows = [("标题", f.title, None), ("活动", f.campaign.name, None), ("区域", f.area.name, None),
            ("统计月份", f"{f.month.year}-{f.month.month:02d}", None), ("住户数", t["households"], None),
            ("应宣传户数", t["in_scope"], None), ("已走访户数", t["visited"], r["visited"]),
            ("已入户户数", t["contacted"], r["contacted"]), ("已签字户数", t["pledged"], r["pledged"]),
            ("三有齐全户数", t["documented"], r["documented"]), ("答题户数", t["quiz_respondents"], r["knowledge"]),
            ("满意度答题户数", t["satisfaction_respondents"], r["satisfaction"]), ("待回访户数", t["revisit_due"], None),
            ("本月复核户数", f.checks.checked, f.checks.rate), ("本月查实虚假走访", f.checks.found_false, None),
            ("本月收到意见建议", f.feedback_received, None), ("本月已处理意见建议", f.feedback_handled, None)]
    for index, (name, value, share) in enumerate(rows, 1):
        book.cell(sheet, index, 0, name)
        book.cell(sheet, index, 1, value)
        book.cell(sheet, index, 2, share, rate=True)


def _trend(book: _Sheets, f: MonthlyFigures) -> None:
    sheet = book.sheet("趋势", [("日期", 12), ("走访次数", 10), ("入户次数", 10), ("累计入户", 10), ("累计入户率", 12),
                              ("累计三有", 10), ("累计三有率", 12)])
    for index, d in enumerate(f.trend, 1):
        book.cell(sheet, index, 0, d.day.isoformat())
        for col, value in enumerate((d.visits, d.contacts, d.contacted), 1):
            book.cell(sheet, index, col, value)
        book.cell(sheet, index, 4, d.contact_rate, rate=True)
        book.cell(sheet, index, 5, d.documented)
        book.cell(sheet, index, 6, d.documented_rate, rate=True)


def _children(book: _Sheets, f: MonthlyFigures) -> None:
    sheet = book.sheet(f"分{f.children_title}", [(f.children_title, 18), ("住户", 8), ("应宣传户", 10), ("已入户", 8),
                                                ("入户率", 8), ("已签字", 8), ("签字率", 8), ("三有", 8), ("三有率", 8),
                                                ("答题户", 8), ("知晓率", 8), ("满意度答题户", 12), ("满意度", 8)])
    for index, row in enumerate(f.children, 1):
        c, r = row.counts, row.rates
        book.cell(sheet, index, 0, row.name)
        values = [(c["households"], None), (c["in_scope"], None), (c["contacted"], None), (r["contacted"], True),
                  (c["pledged"], None), (r["pledged"], True), (c["documented"], None), (r["documented"], True),
                  (c["quiz_respondents"], None), (r["knowledge"], True), (c["satisfaction_respondents"], None),
                  (r["satisfaction"], True)]
        for col, (value, share) in enumerate(values, 1):
            book.cell(sheet, index, col, value, rate=bool(share))


def _rankings(book: _Sheets, f: MonthlyFigures) -> None:
    sheet = book.sheet("红黑榜", [("榜单", 6), ("名次", 6), (f.ranking_title or "区域", 22), ("入户率", 8),
                                ("三有率", 8), ("知晓率", 8), ("满意度", 8), ("上榜原因", 70)])
    row = 1
    for title, lines in (("红榜", f.red), ("黑榜", f.black)):
        for line in lines:
            r = line.ranked
            book.cell(sheet, row, 0, title)
            book.cell(sheet, row, 1, line.place)
            book.cell(sheet, row, 2, line.name)
            for col, value in enumerate((r.contact_rate, r.documented_rate, r.knowledge_rate, r.satisfaction_rate), 3):
                book.cell(sheet, row, col, value, rate=True)
            book.cell(sheet, row, 7, line.reason)
            row += 1


def _checks(book: _Sheets, f: MonthlyFigures) -> None:
    sheet = book.sheet("复核", [("按", 10), ("网格 / 宣传人员", 24), ("复核户数", 10), ("属实", 8), ("属实率", 8),
                              ("虚假走访", 10)])
    rows = [*(("网格", a) for a in f.checks_by_grid), ("合计", f.checks), *(("宣传人员", a) for a in f.checks_by_worker)]
    for index, (by, a) in enumerate(rows, 1):
        book.cell(sheet, index, 0, by)
        book.cell(sheet, index, 1, a.name)
        for col, value in enumerate((a.checked, a.agreed), 2):
            book.cell(sheet, index, col, value)
        book.cell(sheet, index, 4, a.rate, rate=True)
        book.cell(sheet, index, 5, a.found_false)


def _feedback(book: _Sheets, f: MonthlyFigures) -> None:
    sheet = book.sheet("意见建议", [("状态", 14), ("本月收到条数", 14)])
    rows = [(status.label, f.feedback.get(status.value, 0)) for status in FeedbackStatus]
    for index, (label, count) in enumerate([*rows, ("合计", f.feedback_received), ("已处理", f.feedback_handled)], 1):
        book.cell(sheet, index, 0, label)
        book.cell(sheet, index, 1, count)


def _materials(book: _Sheets, f: MonthlyFigures) -> None:
    sheet = book.sheet("宣传资料", [("资料", 20), ("本月发放", 10), ("累计发放", 10), ("计划印制", 10),
                                 ("累计发放占印制", 14)])
    for index, m in enumerate(f.materials, 1):
        book.cell(sheet, index, 0, m.name)
        for col, value in enumerate((m.this_month, m.to_date, m.planned), 1):
            book.cell(sheet, index, col, value)
        book.cell(sheet, index, 4, m.used_rate, rate=True)


def write_monthly_xlsx(figures: MonthlyFigures, out: str | BinaryIO,
                       progress: Callable[[int, int], None] | None = None) -> None:
    """Write the figures to ``out`` (a path or a binary file), one sheet after another, calling
    ``progress(done, total)`` after each. Raises nothing of its own."""
    workbook = Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book = _Sheets(workbook)
    for done, part in enumerate((_overview, _trend, _children, _rankings, _checks, _feedback, _materials), 1):
        part(book, figures)
        if progress:
            progress(done, SHEETS)
    workbook.close()
