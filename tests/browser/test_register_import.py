"""A community head imports the register the community keeps, in Chromium: upload → map one unknown column →
preview → confirm."""
from pathlib import Path

from sqlalchemy import select

from models import Building, Household, User
from server.extensions import db
from server.services.demo.city import DEMO_PASSWORD
from tests.browser.conftest import sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _community_and_grid(live_server):
    with live_server.app_for_tests.app_context():
        community = db.session.scalar(select(User).where(User.username == "head1")).areas[0]
        return community.id, community.children[0].name


def _imported(live_server, community_id):
    with live_server.app_for_tests.app_context():
        return {h.label: h.head_name for h in db.session.scalars(
            select(Household).join(Building).where(Building.community_id == community_id,
                                                   Building.name == "88栋"))}


def test_a_head_uploads_a_register_maps_an_unknown_column_previews_and_confirms(page, live_server, tmp_path):
    community_id, grid = _community_and_grid(live_server)
    register = tmp_path / "台账.csv"
    register.write_bytes("\r\n".join([
        "社区入户宣传台账,,,",
        "填报单位：社区居委会,,填报人：张三,",
        "序号,网格,家庭住址,户主名",
        f"1,{grid},88栋1单元101室,张三",
        f"2,{grid},88-1-102,李四",
        "合计,,,2户",
    ]).encode("gbk"))
    sign_in(page, "head1", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="导入住户").click()
    assert page.get_by_test_id("import-template").is_visible()
    page.locator("input[type=file]").set_input_files(str(register))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/map?**")
    page.get_by_label("户主名").select_option(label="户主")
    page.get_by_role("button", name="保存并预览").click()
    page.wait_for_selector("[data-testid=import-counts]")
    assert "新增 2 户" in page.get_by_test_id("import-counts").inner_text().replace("\n", "")
    assert page.get_by_test_id("import-sample").get_by_text("88栋").count() == 2
    assert _imported(live_server, community_id) == {}  # the preview wrote nothing
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-preview-phone.png"), full_page=True)
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector("text=导入完成")
    assert _imported(live_server, community_id) == {"88栋1单元101": "张三", "88栋1单元102": "李四"}
