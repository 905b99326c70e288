"""A head imports a roster of workers in Chromium: upload, preview, confirm, download the invite sheet; a worker
opens a card's QR code and signs in with the code it fills in."""
import re
from pathlib import Path

from sqlalchemy import select

from models import AreaLevel, User
from server.extensions import db
from server.services.demo.city import DEMO_PASSWORD
from server.services.registry.areas import areas_under
from tests.browser.conftest import PHONE, sign_in
from tests.qr import decode_image, pdf_text, render_pdf_page


def head1_grids(live_server) -> list[str]:
    with live_server.app_for_tests.app_context():
        head = db.session.scalar(select(User).where(User.username == "head1"))
        return [g.name for g in db.session.scalars(areas_under(head.areas[0], AreaLevel.GRID))]


def test_a_head_uploads_a_roster_previews_confirms_and_prints_invites_that_sign_a_worker_in(
        browser, live_server, tmp_path):
    grids = head1_grids(live_server)
    roster = tmp_path / "名单.csv"
    roster.write_bytes(("某社区网格员名单\n姓名,手机,网格,角色\n"
                        f"张三,136 1234 0001,{grids[0]},网格员\n李四,13612340002,{grids[-1]},志愿者\n").encode("gbk"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url,
                                  accept_downloads=True)
    violations = []
    page = context.new_page()
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, "head1", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")

    page.get_by_role("link", name="人员").click()
    page.get_by_test_id("roster-link").click()
    page.get_by_test_id("roster-file").set_input_files(str(roster))
    page.get_by_test_id("roster-preview").click()
    preview = page.get_by_test_id("roster-preview-rows")
    assert preview.locator("tbody tr").count() == 2
    assert "136****0001" in preview.inner_text() and "13612340001" not in page.content()
    page.get_by_test_id("roster-confirm").click()
    page.wait_for_url(re.compile(r".*/dashboard/team/roster/[^/?]+\?.*"))
    assert "新增 2 人" in page.content()
    with page.expect_download() as info:
        page.get_by_test_id("roster-pdf").click()
    pdf = tmp_path / "invites.pdf"
    pdf.write_bytes(Path(info.value.path()).read_bytes())
    text = pdf_text(pdf)
    codes = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", text)
    assert len(codes) == 2 and "张三" in text and "李四" in text
    urls = decode_image(render_pdf_page(pdf, 1, tmp_path))
    base = live_server.app_for_tests.config["PUBLIC_BASE_URL"]
    assert sorted(urls) == sorted(f"{base}/w/login#code={code}" for code in codes)
    context.close()
    assert violations == []

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url,
                                user_agent="Mozilla/5.0 (Linux; Android 10) MicroMessenger/8.0")
    worker = phone.new_page()
    worker.goto(f"/w/login#code={codes[0]}")  # what WeChat's scanner opens, on this server
    field = worker.get_by_placeholder("例如 ABCDE-FGHJK")
    assert field.input_value() == codes[0]
    assert "#" not in worker.url, "the code leaves the address bar and the history"
    worker.get_by_role("button", name="登录").click()
    worker.wait_for_url("**/w/")
    phone.close()
