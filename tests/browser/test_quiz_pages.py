"""知晓率 in Chromium: an admin publishes the quiz, a worker asks it at the door, a resident answers it after signing,
and each answer moves 知晓率 and its respondents on the overview."""
import pytest
from sqlalchemy import select

from models import Building, Campaign, Household, HouseholdProgress, Pledge, Role, User, user_area
from server.extensions import db
from server.services.access.accounts import issue_invite_code
from server.services.demo.city import DEMO_PASSWORD
from tests.browser.conftest import PHONE, invite_sign_in, sign_in
from tests.browser.test_resident_pages import fill_pledge
from tests.browser.test_worker_pages import ARTIFACTS, fill_contacted

QUIZ = "过期药品属于哪一类垃圾？\n可回收物\n*有害垃圾\n厨余垃圾\n其他垃圾\n\n废旧报纸属于哪一类垃圾？\n*可回收物\n有害垃圾\n其他垃圾"


@pytest.fixture
def round_(live_server):
    """The demo campaign, a worker's invite code and an unvisited door of theirs, and an unsigned door elsewhere."""
    with live_server.app_for_tests.app_context():
        campaign = db.session.scalars(select(Campaign).order_by(Campaign.id)).first()
        worker = db.session.scalars(select(User).where(User.role == Role.GRID_WORKER).order_by(User.id.desc())).first()
        grid_id = db.session.scalar(select(user_area.c.area_id).where(user_area.c.user_id == worker.id))
        untouched = (select(Household.id, Household.token).join(Building)
                     .where(~Household.id.in_(select(HouseholdProgress.household_id)), Household.occupancy != "vacant")
                     .order_by(Household.id.desc()))
        door = db.session.execute(untouched.where(Building.grid_id == grid_id)).first()
        resident = db.session.execute(untouched.where(Building.grid_id != grid_id,
                                                      ~Household.id.in_(select(Pledge.household_id)))).first()
        code = issue_invite_code(worker)
        db.session.commit()
        return {"campaign": campaign.id, "area": campaign.area_id, "code": code, "door": tuple(door),
                "resident": tuple(resident)}


def knowledge(page, round_) -> tuple[int, str]:
    page.goto(f"/dashboard/?campaign={round_['campaign']}&area={round_['area']}")
    return (int(page.get_by_test_id("knowledge-respondents").inner_text()),
            page.get_by_test_id("knowledge-rate").inner_text())


def test_the_quiz_answered_on_the_workers_form_and_on_the_door_page_moves_knowledge_on_the_overview(
        browser, live_server, round_):
    admin = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    sign_in(admin, "district", DEMO_PASSWORD, landing="**/dashboard/**")
    admin.goto(f"/dashboard/campaigns/{round_['campaign']}")
    admin.get_by_test_id("edit-quiz").click()
    admin.get_by_test_id("quiz-questions").fill(QUIZ)
    admin.get_by_label("及格题数").fill("2")
    admin.get_by_test_id("save-quiz").click()
    admin.get_by_test_id("quiz").wait_for()
    assert "过期药品属于哪一类垃圾？" in admin.get_by_test_id("quiz").inner_text()
    assert knowledge(admin, round_) == (0, "—")  # a new quiz: nobody has answered it

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url).new_page()
    invite_sign_in(phone, round_["code"])
    household_id, _ = round_["door"]
    phone.goto(f"/w/visit?household={household_id}")
    phone.get_by_test_id("household-label").filter(has_not_text="…").wait_for()
    fill_contacted(phone)
    quiz = phone.get_by_test_id("quiz")
    quiz.get_by_test_id("quiz-q0").get_by_label("有害垃圾").check()  # right
    quiz.get_by_test_id("quiz-q1").get_by_label("可回收物").check()  # right
    quiz.get_by_label("非常满意").check()
    phone.get_by_role("button", name="保存").click()
    phone.get_by_text("这户现在：").wait_for(timeout=15000)
    assert knowledge(admin, round_) == (1, "100.0%")

    resident = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url).new_page()
    _, token = round_["resident"]
    resident.goto(f"/q/{token}")
    fill_pledge(resident)
    resident.get_by_role("button", name="签署承诺书").click()
    form = resident.get_by_test_id("quiz-form")
    form.wait_for()
    form.get_by_test_id("quiz-question").nth(0).get_by_label("厨余垃圾").check()  # wrong
    form.get_by_test_id("quiz-question").nth(1).get_by_label("可回收物").check()  # right: 1 of 2, below the mark
    form.get_by_label("一般").check()
    form.get_by_test_id("quiz-submit").click()
    resident.get_by_text("感谢您作答").wait_for()
    assert resident.get_by_test_id("quiz-answered").is_visible()
    assert knowledge(admin, round_) == (2, "50.0%")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "quiz-overview.png"), full_page=True)
    for page in (admin, phone, resident):
        page.context.close()
