"""A street admin runs a campaign in Chromium on a phone: a bad end date is refused beside its field, fixed,
the campaign created, started, and shown 进行中."""
from sqlalchemy import select

from models import AreaLevel, Campaign, CampaignStatus, Role
from server.extensions import db
from server.services.access.accounts import create_user
from server.services.registry.areas import create_area
from tests.browser.conftest import sign_in

PASSWORD = "street-office-9"


def _new_street_office(live_server) -> str:
    """A district of its own (the demo's runs a campaign over its whole tree), a street and its admin."""
    with live_server.app_for_tests.app_context():
        district = create_area("湖西区", AreaLevel.DISTRICT)
        street = create_area("湖西街道", AreaLevel.STREET, district)
        create_area("柳岸社区", AreaLevel.COMMUNITY, street)
        create_user("孙街道", Role.STREET_ADMIN, [street], username="huxi_admin", password=PASSWORD)
        db.session.commit()
        db.session.remove()
    return "huxi_admin"


def test_a_street_admin_fixes_a_bad_end_date_creates_and_starts_a_campaign(page, live_server):
    username = _new_street_office(live_server)
    page.on("dialog", lambda dialog: dialog.accept())  # 启用 asks first
    sign_in(page, username, PASSWORD)
    page.wait_for_url("**/dashboard/campaigns")
    assert page.get_by_test_id("no-campaigns").is_visible()
    page.get_by_test_id("new-campaign").click()
    page.wait_for_url("**/dashboard/campaigns/new")
    page.fill("input[name=name]", "湖西街道冬季敲门行动")
    page.fill("input[name=start_date]", "2026-12-10")
    page.fill("input[name=end_date]", "2026-12-01")
    page.fill("input[name=material_quantity-0]", "600")
    page.get_by_test_id("save-campaign").click()
    error = page.get_by_test_id("error-end_date")
    assert error.inner_text() == "结束日期不能早于开始日期"
    # beside its field: just below the end date's input, not at the top of the page
    field_box = page.locator("input[name=end_date]").bounding_box()
    error_box = error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 60
    assert page.locator("input[name=name]").input_value() == "湖西街道冬季敲门行动", "what was typed is kept"
    page.fill("input[name=end_date]", "2027-01-20")
    page.get_by_test_id("save-campaign").click()
    page.wait_for_url("**/dashboard/campaigns/*")
    assert page.get_by_test_id("campaign-status").inner_text() == "筹备中"
    page.get_by_test_id("activate").click()
    page.wait_for_selector("[data-testid=campaign-status]:has-text('进行中')")
    page.get_by_test_id("campaigns-link").click()
    row = page.get_by_test_id("campaign-row").filter(has_text="湖西街道冬季敲门行动")
    assert row.get_by_test_id("campaign-status").inner_text() == "进行中"
    with live_server.app_for_tests.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.name == "湖西街道冬季敲门行动"))
        assert campaign.status is CampaignStatus.ACTIVE and campaign.materials[0].planned_quantity == 600
        db.session.remove()
