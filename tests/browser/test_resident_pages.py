"""A resident on a phone: sign with a finger (a mouse here), get a receipt, verify it, and hear back."""
from sqlalchemy import func, select

from models import Building, Feedback, Household, Pledge, User
from server.extensions import db
from server.services.canvassing.feedback import reply_to_feedback


def a_door(live_server, index=0):
    with live_server.app_for_tests.app_context():
        household = db.session.scalars(select(Household).join(Building).order_by(Household.id)
                                       .offset(index).limit(1)).one()
        return household.id, household.token


def pledges_of(live_server, household_id):
    with live_server.app_for_tests.app_context():
        return db.session.scalar(select(func.count()).select_from(Pledge).where(Pledge.household_id == household_id))


def draw_signature(page):
    page.get_by_test_id("signature-pad").scroll_into_view_if_needed()
    box = page.get_by_test_id("signature-pad").bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 120)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 30 + step * 25, y + 60 + (step % 3) * 30, steps=4)
    page.mouse.up()


def fill_pledge(page, name="张三"):
    page.get_by_placeholder("请输入姓名").fill(name)
    page.get_by_label("家庭成员").check()
    draw_signature(page)
    page.locator("#consent").check()


def test_a_resident_signs_with_a_finger_gets_a_receipt_and_verifies_it(page, live_server):
    household_id, token = a_door(live_server, 3)
    page.goto(f"/q/{token}")
    assert page.get_by_test_id("pledge-text").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    fill_pledge(page)
    page.get_by_role("button", name="签署承诺书").click()
    receipt = page.get_by_test_id("receipt")
    receipt.wait_for()
    assert "签署成功" in receipt.inner_text() and "北京时间" in page.get_by_test_id("receipt-time").inner_text()
    code = page.get_by_test_id("receipt-code").inner_text()
    assert len(code) == 9 and code[4] == "-"
    page.get_by_test_id("verify-link").click()
    page.wait_for_url("**/pledges/*")
    assert "记录完好" in page.get_by_test_id("verdict").inner_text()
    assert pledges_of(live_server, household_id) == 1
    assert all(url.startswith(live_server.url) for url in page.requested_urls)


def test_a_double_tap_on_submit_makes_exactly_one_pledge(page, live_server):
    household_id, token = a_door(live_server, 4)
    page.goto(f"/q/{token}")
    fill_pledge(page, "李四")
    page.get_by_role("button", name="签署承诺书").dblclick()
    page.get_by_test_id("receipt").wait_for()
    assert pledges_of(live_server, household_id) == 1


def test_submitting_a_blank_pad_is_stopped_with_a_clear_message(page, live_server):
    household_id, token = a_door(live_server, 5)
    page.goto(f"/q/{token}")
    page.get_by_placeholder("请输入姓名").fill("王五")
    page.locator("#consent").check()
    page.get_by_role("button", name="签署承诺书").click()
    assert page.locator("#signature-error").inner_text() == "请先在框内签名"
    draw_signature(page)
    page.get_by_role("button", name="撤销一笔").click()
    page.get_by_role("button", name="签署承诺书").click()
    assert page.locator("#signature-error").is_visible()
    assert pledges_of(live_server, household_id) == 0


def test_a_resident_leaves_feedback_and_later_reads_the_communitys_reply(page, live_server):
    household_id, token = a_door(live_server, 6)
    page.goto(f"/q/{token}")
    page.get_by_label("意见类别").select_option("environment")
    page.get_by_label("您想对社区说").fill("垃圾房周边有异味，希望多清洗")
    page.get_by_role("button", name="提交意见").click()
    page.get_by_text("已收到您的意见").wait_for()
    assert page.get_by_test_id("feedback-item").count() == 1
    with live_server.app_for_tests.app_context():
        feedback = db.session.scalar(select(Feedback).where(Feedback.household_id == household_id))
        head = db.session.scalar(select(User).where(User.username == "head1"))
        reply_to_feedback(feedback, head, "已安排保洁每天冲洗垃圾房。")
        db.session.commit()
    page.reload()
    assert page.get_by_test_id("feedback-reply").inner_text() == "社区回复：已安排保洁每天冲洗垃圾房。"
