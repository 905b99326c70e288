"""The monthly report (通报): its figures equal the ledger, its PDF renders with charts and those figures, its
workbook reads back the same, and the CLI writes both."""
from __future__ import annotations

import datetime as dt
import io
import uuid
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from PIL import ImageStat

from models import AreaLevel, CheckReason, FeedbackCategory, FeedbackChannel, Outcome, Role, SpotCheck
from server.extensions import db as _db
from server.services.canvassing.feedback import close_feedback, leave_feedback, reply_to_feedback
from server.services.canvassing.visits import record_visit
from server.services.checks import record_check
from server.services.ledger import ledger_view, rates
from server.services.registry.areas import create_area
from server.services.reports import MonthNotStarted, monthly_figures, write_monthly_report
from tests.factories import make_building, make_campaign, make_households, make_tree, make_user
from tests.qr import pdf_text, render_pdf_page

NOVEMBER, TODAY = dt.date(2026, 11, 1), dt.date(2026, 12, 2)


def beijing(day: int, month: int = 11, hour: int = 10) -> dt.datetime:
    """A moment of a Beijing day, in UTC (10:00 there is 02:00 UTC)."""
    return dt.datetime(2026, month, day, hour - 8, 0, tzinfo=dt.timezone.utc)


def visit(worker, campaign, household, moment, outcome=Outcome.CONTACTED, material=True) -> str:
    payload = {"id": str(uuid.uuid4()), "campaign_id": campaign.id, "household_id": household.id,
               "outcome": outcome, "visited_at": moment,
               "materials": [{"code": "notice", "quantity": 2}] if material else []}
    record_visit(worker, payload, now=moment + dt.timedelta(minutes=1))
    return payload["id"]


@pytest.fixture
def month(db):
    """A street of two communities, visits on several days of November 2026 and one on 1 December, a visit a
    check found false and one it confirmed, opinions left in November (one replied, one closed) and December."""
    district, street, jinqiao, (grid_1, grid_2) = make_tree(grids=("第一网格", "第二网格"))
    binjiang = create_area("滨江社区", AreaLevel.COMMUNITY, street)
    grid_b = create_area("第一网格", AreaLevel.GRID, binjiang)
    homes_1 = make_households(make_building(grid_1, "1栋"), 6)
    homes_2 = make_households(make_building(grid_2, "2栋"), 4)
    homes_b = make_households(make_building(grid_b, "5栋"), 5)
    campaign = make_campaign(district, name="秋冬敲门行动")
    notice = next(m for m in campaign.materials if m.code == "notice")
    notice.planned_quantity = 100
    worker = make_user(Role.GRID_WORKER, [grid_1, grid_2], name="王网格", username="worker_1")
    worker_b = make_user(Role.GRID_WORKER, [grid_b], name="赵网格", username="worker_b")
    head = make_user(Role.STREET_ADMIN, [street], name="孙街道", username="street_admin")
    ids = [visit(worker, campaign, homes_1[0], beijing(3)), visit(worker, campaign, homes_1[1], beijing(3, hour=11))]
    visit(worker, campaign, homes_1[2], beijing(10), outcome=Outcome.NOT_HOME, material=False)
    visit(worker, campaign, homes_1[2], beijing(12))
    visit(worker, campaign, homes_2[0], beijing(20))
    visit(worker_b, campaign, homes_b[0], beijing(5))
    visit(worker_b, campaign, homes_b[1], beijing(30, hour=23))  # 30 November in Beijing, 15:00 UTC
    visit(worker, campaign, homes_2[1], beijing(1, month=12))  # after the month: counted now, not in its trend
    for visit_id, said in ((ids[0], "no"), (ids[1], "yes")):
        check = SpotCheck(visit_id=visit_id, reason=CheckReason.SAMPLE, checker_id=head.id)
        _db.session.add(check)
        _db.session.flush()
        record_check(check, head, {"client_id": str(uuid.uuid4()), "visited": said}, now=beijing(25))
    for home, day, then in ((homes_1[0], 6, "reply"), (homes_1[1], 7, "close"), (homes_b[0], 8, None),
                            (homes_b[1], 1, None)):
        feedback = leave_feedback(home, campaign, FeedbackCategory.DROP_OFF, "投放点太远", FeedbackChannel.WORKER_VISIT)
        feedback.created_at = beijing(day, month=12 if home is homes_b[1] else 11)
        if then == "reply":
            reply_to_feedback(feedback, head, "已调整", now=beijing(day + 1))
        elif then == "close":
            close_feedback(feedback)
    _db.session.commit()
    return SimpleNamespace(campaign=campaign, street=street, jinqiao=jinqiao, binjiang=binjiang, grid_1=grid_1)


def test_the_months_figures_are_the_ledgers_and_its_trend_ends_where_the_month_did(month):
    figures = monthly_figures(month.campaign, month.street, NOVEMBER, today=TODAY)
    view = ledger_view(month.campaign, month.street)
    assert figures.totals == view.node.counts and figures.rates == rates(view.node.counts)
    assert [(c.name, c.counts) for c in figures.children] == [(c.name, c.counts) for c in view.children]
    assert figures.title == "城西街道 2026年11月 垃圾分类敲门行动通报"
    # Contacted now: 1栋 two (one visit found false), 2栋 two (one in December), 5栋 two, in scope fifteen.
    assert (figures.totals["in_scope"], figures.totals["contacted"]) == (15, 6)
    trend = {d.day.day: d for d in figures.trend}
    assert len(figures.trend) == 30 and trend[30].contacted == 5 == figures.totals["contacted"] - 1
    assert [trend[day].contacted for day in (2, 3, 5, 12, 20)] == [0, 1, 2, 3, 4]
    assert trend[30].contact_rate == round(5 / 15, 4) and trend[10].visits == 1 and trend[10].contacts == 0
    assert [line.name for line in figures.red] == ["金桥社区", "滨江社区"] and figures.black == []
    assert "入户率居前" in figures.red[0].reason
    checks = figures.checks
    assert (checks.checked, checks.agreed, checks.found_false) == (2, 1, 1)
    assert figures.feedback == {"open": 1, "replied": 1, "closed": 1}
    assert (figures.feedback_received, figures.feedback_handled) == (3, 2)
    notice = next(m for m in figures.materials if m.code == "notice")
    assert (notice.this_month, notice.to_date, notice.planned, notice.used_rate) == (12, 14, 100, 0.14)


def test_a_grids_report_ranks_nothing_an_empty_area_still_reports_and_a_month_not_begun_is_refused(month):
    pdf, xlsx = io.BytesIO(), io.BytesIO()
    figures = write_monthly_report(month.campaign, month.grid_1, NOVEMBER, pdf, xlsx, today=TODAY)
    assert figures.ranking_title is None and figures.children_title == "楼栋"
    assert figures.totals == ledger_view(month.campaign, month.grid_1).node.counts
    assert pdf.getvalue().startswith(b"%PDF") and load_workbook(xlsx)["概况"]["B2"].value == figures.title
    empty = create_area("新建网格", AreaLevel.GRID, month.binjiang)
    figures = write_monthly_report(month.campaign, empty, NOVEMBER, io.BytesIO(), io.BytesIO(), today=TODAY)
    assert figures.children == [] and figures.rates["contacted"] is None
    district = write_monthly_report(month.campaign, month.street.parent, NOVEMBER, io.BytesIO(), io.BytesIO(),
                                    today=TODAY)
    assert district.children_title == "街道" and district.ranking_title == "社区" and len(district.ranking) == 2
    assert len(monthly_figures(month.campaign, month.street, dt.date(2026, 12, 1), today=TODAY).trend) == 2
    with pytest.raises(MonthNotStarted):
        monthly_figures(month.campaign, month.street, dt.date(2027, 1, 1), today=TODAY)


def test_the_pdf_renders_its_charts_and_headline_figures_and_the_workbook_reads_back_the_ledger(month, tmp_path):
    steps = []
    pdf, xlsx = tmp_path / "report.pdf", tmp_path / "report.xlsx"
    figures = write_monthly_report(month.campaign, month.street, NOVEMBER, str(pdf), str(xlsx),
                                   progress=lambda done, total: steps.append((done, total)), today=TODAY)
    assert steps[0] == (1, 9) and steps[-1] == (9, 9)
    for page in (1, 2):
        image = render_pdf_page(pdf, page, tmp_path, dpi=50).convert("L")
        assert min(ImageStat.Stat(image).extrema[0]) < 100  # ink on the page, not a blank one
    text = pdf_text(pdf)
    assert "城西街道 2026年11月 垃圾分类敲门行动通报" in text
    assert "40.0%" in text  # 入户率: 6 of 15
    assert "累计入户率" in text and "各社区入户率" in text  # the trend chart's legend, the bar chart's title
    assert "虚假走访 1 次" in text and "收到居民意见建议 3 条" in text
    workbook = load_workbook(xlsx)
    assert workbook.sheetnames == ["概况", "趋势", "分社区", "红黑榜", "复核", "意见建议", "宣传资料"]
    overview = {row[0]: row[1:] for row in workbook["概况"].iter_rows(min_row=2, values_only=True)}
    t, r = figures.totals, figures.rates
    assert overview["已入户户数"] == (t["contacted"], r["contacted"])
    assert overview["应宣传户数"][0] == t["in_scope"] and overview["三有齐全户数"] == (t["documented"], r["documented"])
    assert overview["本月查实虚假走访"][0] == 1
    communities = list(workbook["分社区"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[3]) for row in communities] == [(c.name, c.counts["contacted"]) for c in figures.children]
    assert len(list(workbook["趋势"].iter_rows(min_row=2))) == 30
    checks = list(workbook["复核"].iter_rows(min_row=2, values_only=True))
    assert ("合计", "合计", 2, 1, 0.5, 1) in checks and ("宣传人员", "王网格", 2, 1, 0.5, 1) in checks


def test_the_cli_writes_both_files_and_prints_the_headline(runner, month, tmp_path):
    result = runner.invoke(args=["monthly-report", "--area", "城西街道", "--campaign", str(month.campaign.id),
                                 "--month", "2026-11", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    pdf, xlsx = tmp_path / "out" / "城西街道-2026-11-通报.pdf", tmp_path / "out" / "城西街道-2026-11-通报.xlsx"
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.stat().st_size > 0
    assert str(pdf) in result.output and "入户 6 户（入户率 40.0%）" in result.output
    refused = runner.invoke(args=["monthly-report", "--area", "第一网格", "--campaign", str(month.campaign.id),
                                  "--month", "2026-11", "--out", str(tmp_path)])
    assert refused.exit_code != 0 and "有多个名为“第一网格”的区域" in refused.output
    bad = runner.invoke(args=["monthly-report", "--area", str(month.street.id), "--campaign", str(month.campaign.id),
                              "--month", "11/2026", "--out", str(tmp_path)])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output
