"""A head, in Chromium, gives two buildings to a worker and one of them to another when plans change; the first
worker's walk list on their phone then shows their own doors first, the others marked with whose they are."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask_migrate import upgrade

from models import Role
from server.app import create_app
from server.extensions import db
from server.services.access.accounts import issue_invite_code
from tests.browser.conftest import invite_sign_in, serve, sign_in
from tests.factories import make_building, make_campaign, make_households, make_tree, make_user


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"assignment-{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def round_server(tmp_path_factory):
    """One community, one grid of three buildings, its head and two workers, an active campaign."""
    folder = tmp_path_factory.mktemp("assignments")
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'round.db'}",
                      "UPLOAD_DIR": str(folder / "uploads"), "SECRET_KEY": "assignment-tests"})
    with app.app_context():
        upgrade()
        _, _, community, (grid,) = make_tree()
        for name in ("1栋", "2栋", "3栋"):
            make_households(make_building(grid, name), 4)
        make_user(Role.COMMUNITY_HEAD, [community], name="李书记", username="head")
        first = make_user(Role.GRID_WORKER, [grid], name="王网格", username="wang")
        make_user(Role.GRID_WORKER, [grid], name="赵网格", username="zhao")
        campaign = make_campaign(community, start=dt.date.today() - dt.timedelta(days=3),
                                 end=dt.date.today() + dt.timedelta(days=20))
        app.ids = {"campaign": campaign.id, "community": community.id, "wang": first.id}
        db.session.commit()
        db.session.remove()
    yield from serve(app)


@pytest.fixture
def desk(browser, round_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=round_server.url)
    yield context.new_page()
    context.close()


def test_a_head_assigns_two_buildings_reassigns_one_and_the_workers_walk_list_puts_their_doors_first(
        desk, browser, round_server):
    ids = round_server.app_for_tests.ids
    page = desk
    page.set_default_timeout(15000)
    sign_in(page, "head", "correct-horse-9")
    page.wait_for_load_state()
    page.goto(f"{round_server.url}/dashboard/assignments?campaign={ids['campaign']}&area={ids['community']}")
    assert page.get_by_test_id("unassigned").inner_text().count("栋") == 3

    page.get_by_label("选择2栋").check()
    page.get_by_label("选择3栋").check()
    page.get_by_test_id("worker").select_option(label="王网格（网格员）")
    page.get_by_role("button", name="分配").click()
    page.wait_for_load_state()
    assert "已将 2栋、3栋 分配给 王网格" in page.content()
    rows = {row.get_attribute("data-building"): row.get_by_test_id("assignee").inner_text()
            for row in page.get_by_test_id("assign-row").all()}
    assert rows == {"1栋": "未分配", "2栋": "王网格", "3栋": "王网格"}
    shot(page, "board")

    page.get_by_role("link", name="3栋").first.click()  # its building chart: reassign it there
    page.wait_for_url("**/dashboard/buildings/**")
    form = page.get_by_test_id("building-assign")
    form.get_by_label("网格员").select_option(label="赵网格")
    form.get_by_role("button", name="改派").click()
    page.wait_for_url("**/dashboard/buildings/**")
    assert page.get_by_test_id("assignee").inner_text() == "整栋：赵网格"
    shot(page, "building")
    page.goto(f"{round_server.url}/dashboard/assignments?campaign={ids['campaign']}&area={ids['community']}")
    assert page.get_by_test_id("unassigned").inner_text().strip().endswith("1栋")

    with round_server.app_for_tests.app_context():
        from models import User
        code = issue_invite_code(db.session.get(User, ids["wang"]))
        db.session.commit()
        db.session.remove()
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=round_server.url)
    worker_page = phone.new_page()
    try:
        invite_sign_in(worker_page, code)
        items = worker_page.get_by_test_id("todo-list").locator("li")
        labels = [(li.locator("a").inner_text(), li.locator(".qw-whose").inner_text()) for li in items.all()]
        assert labels[:4] == [(f"2栋1单元{r}", "我的") for r in ("101", "102", "201", "202")]
        assert {whose for _, whose in labels[4:8]} == {"未分配"}
        assert {whose for _, whose in labels[8:]} == {"赵**"}
        shot(worker_page, "walk-list")
    finally:
        phone.close()
