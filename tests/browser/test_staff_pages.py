"""In a real browser on a phone-sized screen: the landing page, sign-in and the staff home."""
from sqlalchemy import select

from models import Area, User
from server.extensions import db
from server.services.demo.city import DEMO_PASSWORD
from server.services.registry.areas import count_households_under


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_landing_page_says_where_to_go_on_a_phone(page, live_server):
    page.goto("/")
    assert page.get_by_text("居民", exact=True).is_visible()
    assert page.get_by_text("社区、街道、区工作人员 ›").is_visible()
    assert no_horizontal_scroll(page)
    weui_rules = page.evaluate("""[...document.styleSheets].filter(s => (s.href || '').includes('weui'))
                                  .map(s => s.cssRules.length)[0] || 0""")
    assert weui_rules > 100, "WeUI is served locally and applied"
    assert all(url.startswith(live_server.url) for url in page.requested_urls), page.requested_urls


def test_a_community_head_signs_in_and_sees_their_community_with_its_households(page, live_server):
    page.goto("/")
    page.get_by_text("社区、街道、区工作人员 ›").click()
    page.get_by_placeholder("请输入用户名").fill("head1")
    page.get_by_placeholder("请输入密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard/")
    page.goto("/staff/")
    card = page.get_by_test_id("area-card").first
    with live_server.app_for_tests.app_context():
        head = db.session.scalar(select(User).where(User.username == "head1"))
        community = head.areas[0]
        expected = count_households_under(db.session.get(Area, community.id))
        name = community.name
    assert name in card.inner_text()
    assert card.get_by_test_id("households").inner_text() == str(expected)
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")
    assert "您已退出登录" in page.content()


def test_a_wrong_password_shows_a_clear_chinese_message_and_stays_on_the_form(page):
    page.goto("/login")
    page.get_by_placeholder("请输入用户名").fill("head2")
    page.get_by_placeholder("请输入密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    alert = page.get_by_role("alert")
    assert "用户名或密码错误" in alert.inner_text()
    assert page.url.endswith("/login")


def test_an_unknown_page_shows_a_friendly_chinese_error_page(page):
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert page.get_by_text("没有找到您要的内容").is_visible()
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url("**/")
