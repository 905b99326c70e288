"""The monthly report (通报) as an A4 PDF: headline figures, the coverage trend and the per-area 入户率 as charts,
and tables of the 红黑榜, the spot checks, residents' opinions and the material handed out.

Text is set in the embedded CJK font the door labels use (``registry.font.cjk_font``), so that it prints and
renders in poppler alike; charts are ``reportlab.graphics`` drawings, vector, no image library needed.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from models import FeedbackStatus
from server.services.reports.rankings import PLACES_MARKED
from server.timefmt import local_time

from .monthly_figures import MonthlyFigures

GREEN, RED, GREY = colors.HexColor("#07A35A"), colors.HexColor("#D93025"), colors.HexColor("#555555")
WIDTH = A4[0] - 36 * mm  # the frame's width, between 18 mm margins
#: How many bars the 入户率 chart holds at most; a district's many communities are shown in its table only.
MAX_BARS = 30
#: A cell that holds a figure (a count, a rate, or — for none), set flush right.
FIGURE = re.compile(r"[0-9.,%+\-—]*")


def percent(value: float | None) -> str:
    """A rate as the report prints it: 12.3%, or — when there is nothing to count it over."""
    return "—" if value is None else f"{value * 100:.1f}%"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {"title": ParagraphStyle("title", base, fontSize=17, leading=24, alignment=1, spaceAfter=4),
            "sub": ParagraphStyle("sub", base, fontSize=9, textColor=GREY, alignment=1, spaceAfter=8),
            "h": ParagraphStyle("h", base, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4, textColor=GREEN,
                                keepWithNext=1),  # a heading never ends a page
            "body": base, "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11)}


def _table(rows: list[list], font: str, widths: list[float] | None = None, styles=None) -> Table:
    cell = styles["cell"] if styles else None
    data = [[Paragraph(str(v), cell) if cell and isinstance(v, str) and len(v) > 14 else v for v in row]
            for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", spaceAfter=6)
    numeric = [("ALIGN", (col, 1), (col, -1), "RIGHT") for col in range(len(rows[0]))
               if len(rows) > 1 and all(isinstance(row[col], str) and FIGURE.fullmatch(row[col]) for row in rows[1:])]
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8F5E9")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        *numeric]))
    return table


def headline_rows(figures: MonthlyFigures) -> list[tuple[str, str, str]]:
    """The 概况: (what, count, rate), the same three columns in the PDF and the workbook."""
    t, r = figures.totals, figures.rates
    return [("住户数", str(t["households"]), ""), ("应宣传户数（不含空置）", str(t["in_scope"]), ""),
            ("已走访户数 / 走访率", str(t["visited"]), percent(r["visited"])),
            ("已入户户数 / 入户率", str(t["contacted"]), percent(r["contacted"])),
            ("已签字户数 / 签字率", str(t["pledged"]), percent(r["pledged"])),
            ("三有齐全户数 / 三有率", str(t["documented"]), percent(r["documented"])),
            ("答题户数 / 知晓率", str(t["quiz_respondents"]), percent(r["knowledge"])),
            ("满意度答题户数 / 满意度", str(t["satisfaction_respondents"]), percent(r["satisfaction"])),
            ("待回访户数", str(t["revisit_due"]), "")]


def trend_chart(figures: MonthlyFigures, font: str) -> Drawing:
    """The month's cumulative 入户率 and 三有率, one point a day, in percent."""
    drawing = Drawing(WIDTH, 190)
    chart = LinePlot()
    chart.x, chart.y, chart.width, chart.height = 36, 40, WIDTH - 60, 130
    contact = [(d.day.day, (d.contact_rate or 0) * 100) for d in figures.trend]
    documented = [(d.day.day, (d.documented_rate or 0) * 100) for d in figures.trend]
    chart.data = [contact, documented]
    for index, color in enumerate((GREEN, colors.HexColor("#1E6FD9"))):
        chart.lines[index].strokeColor, chart.lines[index].strokeWidth = color, 1.6
    chart.xValueAxis.valueMin, chart.xValueAxis.valueMax = 1, max(len(figures.trend), 2)
    chart.xValueAxis.valueSteps = [d.day.day for d in figures.trend if d.day.day % 5 == 0 or d.day.day == 1]
    chart.yValueAxis.valueMin, chart.yValueAxis.valueMax, chart.yValueAxis.valueStep = 0, 100, 20
    for axis in (chart.xValueAxis, chart.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 8
    chart.xValueAxis.labelTextFormat = "%d日"
    chart.yValueAxis.labelTextFormat = "%d%%"
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 40, 12, font, 8
    legend.alignment, legend.columnMaximum = "right", 1
    legend.colorNamePairs = [(GREEN, "累计入户率"), (colors.HexColor("#1E6FD9"), "累计三有率")]
    drawing.add(legend)
    return drawing


def bar_chart(figures: MonthlyFigures, font: str) -> Drawing:
    """入户率 of each area one level down (at most ``MAX_BARS`` of them), in percent."""
    rows = figures.children[:MAX_BARS]
    drawing = Drawing(WIDTH, 200)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 50, WIDTH - 50, 135
    chart.data = [[(row.rates["contacted"] or 0) * 100 for row in rows] or [0]]
    chart.bars[0].fillColor, chart.bars[0].strokeColor = GREEN, None
    chart.categoryAxis.categoryNames = [row.name for row in rows] or [""]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, 7
    chart.categoryAxis.labels.angle = 30 if len(rows) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(rows) > 6 else "n"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, 8
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.barLabelFormat, chart.barLabels.fontName, chart.barLabels.fontSize = "%.1f", font, 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(0, 190, f"各{figures.children_title}入户率（%）", fontName=font, fontSize=9, fillColor=GREY))
    return drawing


def child_rows(figures: MonthlyFigures) -> list[list[str]]:
    """The table one level down: the same columns in the PDF and the workbook, with a header row."""
    rows = [[figures.children_title, "应宣传户", "已入户", "入户率", "三有", "三有率", "知晓率", "满意度"]]
    for row in figures.children:
        c, r = row.counts, row.rates
        rows.append([row.name, str(c["in_scope"]), str(c["contacted"]), percent(r["contacted"]), str(c["documented"]),
                     percent(r["documented"]), percent(r["knowledge"]), percent(r["satisfaction"])])
    return rows


def _sections(figures: MonthlyFigures, font: str, s: dict) -> list:
    month = f"{figures.month.year}年{figures.month.month}月"
    last = figures.trend[-1] if figures.trend else None
    story = [Paragraph(figures.title, s["title"]),
             Paragraph(f"活动：{figures.campaign.name}　统计月份：{month}　生成时间：{local_time(figures.made_at)}（北京时间）"
                       "　累计数据截至生成时", s["sub"]),
             Paragraph("一、总体情况", s["h"]),
             _table([["指标", "户数", "比率"], *map(list, headline_rows(figures))], font, [70 * mm, 35 * mm, 35 * mm])]
    story += [Paragraph("二、入户率走势", s["h"])]
    if last:
        story.append(Paragraph(f"截至{last.day.month}月{last.day.day}日，累计入户 {last.contacted} 户，入户率 "
                               f"{percent(last.contact_rate)}；三有齐全 {last.documented} 户，三有率 "
                               f"{percent(last.documented_rate)}。本月走访 {sum(d.visits for d in figures.trend)} 次。",
                               s["body"]))
    story += [trend_chart(figures, font), Paragraph(f"三、分{figures.children_title}情况", s["h"])]
    if figures.children:
        story += [bar_chart(figures, font), _table(child_rows(figures), font, styles=s)]
    else:
        story.append(Paragraph("（无下级区域）", s["body"]))
    story.append(Paragraph("四、红黑榜", s["h"]))
    if figures.ranking_title:
        for title, lines in (("红榜", figures.red), ("黑榜", figures.black)):
            if not lines:
                story.append(Paragraph(f"{title}：参评{figures.ranking_title}不足 {2 * PLACES_MARKED + 1} 个，不设{title}"
                                       if figures.ranking else f"{title}：无可排名的{figures.ranking_title}", s["body"]))
            else:
                story.append(Paragraph(f"{title}（共 {len(figures.ranking)} 个{figures.ranking_title}，按入户率排名，"
                                       "三有率次之）", s["body"]))
                story.append(_table([["名次", figures.ranking_title, "入户率", "三有率", "上榜原因"],
                                     *[[str(line.place), line.name, percent(line.ranked.contact_rate),
                                        percent(line.ranked.documented_rate), line.reason] for line in lines]],
                                    font, [12 * mm, 38 * mm, 18 * mm, 18 * mm, WIDTH - 86 * mm], s))
    else:
        story.append(Paragraph("（网格以下不排名）", s["body"]))
    checks = figures.checks
    story += [Paragraph("五、复核情况", s["h"]),
              Paragraph(f"本月复核 {checks.checked} 户，情况属实 {checks.agreed} 户，属实率 {percent(checks.rate)}；"
                        f"查实虚假走访 {checks.found_false} 次（已从入户、三有数中剔除）。", s["body"])]
    if figures.checks_by_grid:
        story.append(_table([["网格", "复核户数", "属实", "属实率", "虚假走访"],
                             *[[a.name, str(a.checked), str(a.agreed), percent(a.rate), str(a.found_false)]
                               for a in figures.checks_by_grid]], font, styles=s))
    story += [Paragraph("六、意见建议", s["h"]),
              Paragraph(f"本月收到居民意见建议 {figures.feedback_received} 条，已处理（回复或办结）"
                        f"{figures.feedback_handled} 条。", s["body"]),
              _table([["状态", "条数"], *[[status.label, str(figures.feedback.get(status.value, 0))]
                                         for status in FeedbackStatus]], font, [40 * mm, 25 * mm]),
              Paragraph("七、宣传资料发放", s["h"]),
              _table(material_rows(figures), font, styles=s)]
    return story


def material_rows(figures: MonthlyFigures) -> list[list[str]]:
    rows = [["资料", "本月发放", "累计发放", "计划印制", "累计发放占印制"]]
    for m in figures.materials:
        rows.append([m.name, str(m.this_month), str(m.to_date), "—" if m.planned is None else str(m.planned),
                     percent(m.used_rate)])
    return rows


def write_monthly_pdf(figures: MonthlyFigures, out: str | BinaryIO, font: str,
                      progress: Callable[[int, int], None] | None = None) -> None:
    """Write the report to ``out`` (a path or a binary file). ``font``: a registered CJK font (``cjk_font()``).

    ``progress(done, total)`` is called as the pages are laid out. Raises nothing of its own.
    """
    s = _styles(font)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"{figures.title} · 第 {doc.page} 页")
        canvas.restoreState()
        if progress:
            progress(doc.page, doc.page + 1)

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=figures.title, author="敲门行动", subject="月度通报")
    doc.build(_sections(figures, font, s), onFirstPage=footer, onLaterPages=footer)
    if progress:
        progress(doc.page, doc.page)
