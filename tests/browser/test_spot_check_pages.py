"""Did it really happen, in Chromium: a resident says nobody came, and the head sees it disputed and queued; a
checker completes a check on the re-visit page with the phone's position."""
import pytest
from sqlalchemy import select

from models import Area, Building, CheckReason, Household, SpotCheck, User, Visit
from server.extensions import db
from server.services.canvassing.resident import active_campaign
from server.services.checks.resident_word import last_visit
from server.services.demo.city import DEMO_PASSWORD
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _head_and_doors(live_server, skip=0):
    """head1, their community, and visits in it whose door shows them as the last visit."""
    with live_server.app_for_tests.app_context():
        head = db.session.scalars(select(User).where(User.username == "head1")).one()
        community = head.areas[0]
        grids = select(Area.id).where(Area.path.startswith(community.path))
        found = []
        for household in db.session.scalars(select(Household).join(Building).where(Building.grid_id.in_(grids))
                                            .order_by(Household.id)):
            campaign = active_campaign(household)
            visit = last_visit(household, campaign)
            if visit is not None and visit.worker_id != head.id:
                found.append((household.token, visit.id, campaign.id))
        return head.id, community.id, found[skip]


def test_a_resident_says_nobody_came_and_the_head_sees_it_disputed_and_queued(page, browser, live_server):
    _, community_id, (token, visit_id, campaign_id) = _head_and_doors(live_server, 0)
    page.goto(f"/q/{token}")
    assert "来访" in page.get_by_test_id("last-visit-sentence").inner_text()
    assert "*" in page.get_by_test_id("last-visit-sentence").inner_text()  # the worker's name, masked
    page.get_by_test_id("visit-denied").click()
    page.get_by_test_id("last-visit-answered").wait_for()
    assert "没有人来过" in page.get_by_test_id("last-visit-answered").inner_text()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    head = context.new_page()
    sign_in(head, "head1", DEMO_PASSWORD)
    head.goto(f"/dashboard/checks?campaign={campaign_id}&area={community_id}")
    assert head.locator(f'[data-testid="disputed-visit"][data-visit="{visit_id}"]').is_visible()
    queued = head.locator(f'[data-testid="queued-check"][data-visit="{visit_id}"]')
    assert queued.is_visible() and "居民反映未来访" in queued.inner_text()
    context.close()


def test_a_checker_completes_a_check_on_the_revisit_page(page, live_server):
    head_id, _, (token, visit_id, _) = _head_and_doors(live_server, 1)
    with live_server.app_for_tests.app_context():
        check = SpotCheck(visit_id=visit_id, reason=CheckReason.SAMPLE, checker_id=head_id)
        db.session.add(check)
        db.session.commit()
        check_id = check.id
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 30.27, "longitude": 120.15, "accuracy": 12})
    sign_in(page, "head1", DEMO_PASSWORD)
    page.goto("/checks/")
    page.locator(f'a[href="/checks/{check_id}"]').click()
    page.get_by_test_id("check-form").wait_for()
    page.wait_for_function("() => document.getElementById('check-lat').value !== ''")
    page.get_by_test_id("visited-yes").check()
    page.get_by_test_id("material_received-yes").check()
    page.get_by_test_id("check-submit").click()
    page.wait_for_url("**/checks/")
    assert "复核已记录" in page.content()
    with live_server.app_for_tests.app_context():
        done = db.session.get(SpotCheck, check_id)
        assert done.checked_at is not None and done.visited is True and done.agrees is True
        assert abs(done.lat - 30.27) < 1e-6 and db.session.get(Visit, visit_id).found_false_at is None
