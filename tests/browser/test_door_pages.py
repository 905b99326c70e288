"""In a real browser: a resident scans a door, a head opens the same door, rotates its code, prints labels."""
from sqlalchemy import select

from models import Building, Household, User
from server.extensions import db
from server.services.demo.city import DEMO_PASSWORD
from server.services.registry.door_codes import mask_label
from tests.browser.conftest import sign_in


def a_household_of(live_server, username="head1"):
    with live_server.app_for_tests.app_context():
        head = db.session.scalar(select(User).where(User.username == username))
        community = head.areas[0]
        household = db.session.scalar(select(Household).join(Household.building)
                                      .where(Building.community_id == community.id).order_by(Household.id)
                                      .limit(1))
        return household.token, mask_label(household), household.label, community.name


def test_a_resident_scanning_the_door_reads_the_notice_on_a_phone(page, live_server):
    token, masked, full_label, community = a_household_of(live_server)
    page.goto(f"/q/{token}")
    assert page.get_by_test_id("community").inner_text() == community
    assert page.get_by_test_id("address").inner_text() == masked
    notice = page.get_by_test_id("notice")
    assert "告知书" in notice.inner_text() and "厨余垃圾" in notice.inner_text()
    assert full_label not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.qm-notice p')).fontSize)")
    assert size >= 17, "large type for elderly residents"


def test_a_scan_of_a_dead_code_says_so_kindly(page):
    response = page.goto("/q/AAAAAAAAAAAAAAAA")
    assert response.status == 404
    assert page.get_by_text("该二维码已失效，请联系社区").is_visible()


def test_a_signed_in_head_scanning_a_door_lands_on_the_household_and_can_rotate_its_code(page, live_server):
    token, _, full_label, _ = a_household_of(live_server)
    sign_in(page, "head1", DEMO_PASSWORD, landing="**/dashboard/")
    page.goto(f"/q/{token}")
    page.wait_for_url("**/staff/households/*")
    assert page.get_by_test_id("household-label").inner_text() == full_label
    assert page.evaluate("document.querySelector('[data-testid=door-code]').naturalWidth") > 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="更换二维码（门贴损坏或被滥用时）").click()
    assert page.get_by_text("旧门贴立即失效").is_visible()
    page.goto(f"/q/{token}")
    assert page.get_by_text("该二维码已失效，请联系社区").is_visible()


def test_a_head_downloads_the_labels_of_a_grid_as_a_pdf(page, live_server):
    sign_in(page, "head1", DEMO_PASSWORD, landing="**/dashboard/")
    page.goto("/staff/")
    with page.expect_download() as download_info:
        page.get_by_text("打印门贴").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith("门贴二维码.pdf")
    assert open(download.path(), "rb").read(5) == b"%PDF-"
