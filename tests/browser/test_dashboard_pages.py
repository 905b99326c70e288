"""A community head's dashboard in Chromium, at desktop and phone sizes, with screenshots kept as artifacts."""
import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import Area, Building, LedgerArea, User
from server.extensions import db
from server.services.demo.city import DEMO_PASSWORD
from tests.browser.conftest import sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(params=list(SIZES))
def head_page(request, browser, live_server):
    context = browser.new_context(viewport=SIZES[request.param], locale="zh-CN", base_url=live_server.url,
                                  accept_downloads=True)
    page = context.new_page()
    page.size_name = request.param
    sign_in(page, "head1", DEMO_PASSWORD, landing="**/dashboard/")
    yield page
    context.close()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.size_name}.png"), full_page=True)


def head_community(live_server):
    with live_server.app_for_tests.app_context():
        head = db.session.scalar(select(User).where(User.username == "head1"))
        community = head.areas[0]
        row = db.session.get(LedgerArea, (1, community.id))
        return community.id, row.contacted if row else 0, row.households if row else 0


def test_a_head_sees_the_overview_the_map_a_building_and_a_household(head_page, live_server):
    page = head_page
    _, contacted, households = head_community(live_server)
    assert page.get_by_test_id("figure-contacted").locator(".qd-figure__value").inner_text() == str(contacted)
    page.wait_for_function("() => document.querySelector('#trend canvas') !== null")
    shot(page, "overview")
    page.get_by_role("link", name="地图").click()
    page.wait_for_selector("#map[data-ready]")
    markers = page.locator(".qd-pin[data-building]")
    assert markers.count() >= 2
    shot(page, "map")
    markers.first.click(force=True)
    page.wait_for_url("**/dashboard/buildings/*")
    assert page.get_by_test_id("cell").count() > 0
    shot(page, "building")
    page.get_by_test_id("cell").first.click()
    page.wait_for_url("**/dashboard/households/*")
    assert page.get_by_test_id("household-title").is_visible()
    shot(page, "household")


def test_a_head_replies_to_feedback_from_the_inbox(head_page, live_server):
    page = head_page
    page.get_by_role("link", name="居民意见").click()
    card = page.get_by_test_id("feedback-card").first
    if not card.count():
        pytest.fail("the demo city has resident feedback to answer")
    card.get_by_label("回复").fill("感谢反馈，已安排处理。")
    card.get_by_role("button", name="回复").click()
    assert page.get_by_text("已回复，居民扫门上的二维码即可看到").is_visible()
    shot(page, "feedback")


def test_a_head_downloads_the_ledger_and_its_totals_match_the_dashboard(head_page, live_server):
    page = head_page
    community_id, contacted, households = head_community(live_server)
    page.get_by_test_id("export-link").click()  # a job: run at once on this server (memory://), then its page
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))["入户宣传台账"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert len(rows) == households
    assert sum(r[9] == "入户宣传" for r in rows) == contacted


#: A name that would run script, and fetch /dashboard/x, if a page ever read it as HTML.
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


@contextmanager
def renamed(live_server, community_name, building_name):
    """Head1's community and its first building renamed for one test, and named as before afterwards."""
    with live_server.app_for_tests.app_context():
        community = db.session.scalar(select(User).where(User.username == "head1")).areas[0]
        building = db.session.scalar(select(Building).where(Building.community_id == community.id)
                                     .where(Building.lat.is_not(None)).order_by(Building.id).limit(1))
        before = community.name, building.name
        community.name, building.name = community_name, building_name
        db.session.commit()
        building_id = building.id
    try:
        yield building_id
    finally:
        with live_server.app_for_tests.app_context():
            community = db.session.get(Area, community.id)
            building = db.session.get(Building, building_id)
            community.name, building.name = before
            db.session.commit()


def test_names_on_the_map_show_as_text_and_run_nothing(page, live_server):
    with renamed(live_server, HOSTILE, HOSTILE + "栋") as building_id:
        sign_in(page, "head1", DEMO_PASSWORD, landing="**/dashboard/")
        page.goto("/dashboard/map")
        page.wait_for_selector("#map[data-ready]")
        page.locator(f'.qd-pin[data-building="{building_id}"]').hover(force=True)
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for()
        assert tooltip.inner_text().startswith(f"{HOSTILE} · {HOSTILE}栋：入户 ")
        assert tooltip.locator("img").count() == 0 and page.locator("#map img[src='x']").count() == 0
        assert page.title() != "pwned"
        assert not [url for url in page.requested_urls if url.endswith("/x")], "the name was never read as markup"
