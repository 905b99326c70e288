"""Two rounds compared, in Chromium on a phone: a street admin opens 轮次对比 and reads a community's change in
入户率, coloured by its direction, the two latest rounds chosen for them."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from models import Area, AreaLevel
from server.app import create_app
from server.extensions import db
from server.services.canvassing.campaigns import activate_campaign, end_campaign, new_round
from server.services.demo.activity import simulate_field_work
from server.services.demo.city import DEMO_PASSWORD, seed_demo_city
from server.services.files.storage import storage
from server.services.reports.rounds import compare_rounds
from tests.browser.conftest import PHONE, serve, sign_in

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def rounds_server(tmp_path_factory):
    """A small demo city canvassed twice: round 1 over about a third of the doors, then round 2 over two thirds."""
    folder = tmp_path_factory.mktemp("rounds")
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'rounds.db'}",
                      "UPLOAD_DIR": str(folder / "uploads"), "SECRET_KEY": "round-tests"})
    with app.app_context():
        upgrade()
        city = seed_demo_city(households=150, seed=3)
        db.session.commit()
        simulate_field_work(city.campaign, 0.3, random.Random(3), storage())
        end_campaign(city.campaign)
        start = city.campaign.start_date + dt.timedelta(days=1)
        second = activate_campaign(new_round(city.campaign, start, start + dt.timedelta(days=45), "第二轮入户宣传"))
        simulate_field_work(second, 0.7, random.Random(4), storage())
        db.session.commit()
        street = next(login for login in city.logins if login.username == "street1")
        area = db.session.scalars(select(Area).where(Area.name == street.area, Area.level == AreaLevel.STREET)).one()
        compared = compare_rounds(city.campaign, second, area)
        community = compared.level("community")[0]
        app.expected = {"community_id": community.id, "name": community.name, "change": community.change["contacted"],
                        "after": community.after.rates["contacted"]}
        db.session.remove()
    yield from serve(app)


def test_a_street_admin_reads_a_communitys_change_between_the_two_latest_rounds(browser, rounds_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=rounds_server.url)
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    expected = rounds_server.app_for_tests.expected
    sign_in(page, "street1", DEMO_PASSWORD)
    page.wait_for_load_state()
    page.goto("/dashboard/")
    page.get_by_role("link", name="轮次对比").click()
    page.wait_for_url("**/dashboard/rounds**")
    assert "敲门行动" in page.get_by_test_id("before").locator("option:checked").inner_text()
    assert "第二轮入户宣传" in page.get_by_test_id("after").locator("option:checked").inner_text()
    row = page.get_by_test_id(f"round-row-{expected['community_id']}")
    assert expected["name"] in row.inner_text()
    change = row.get_by_test_id("change-contacted")
    assert expected["change"] > 0, "two thirds of the doors against a third"
    assert change.inner_text() == f"+{expected['change']:.1f}"
    assert change.locator(".qd-up").evaluate("e => getComputedStyle(e).color") == "rgb(7, 138, 72)"
    assert f"{expected['after'] * 100:.1f}%" in row.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "rounds-street.png"), full_page=True)
    context.close()
    assert violations == []
