"""A street office's Monday morning, in Chromium, from an empty database to the first visit, as the README's
"Setting up a real street office" tells it: the areas and the first admin from the command line; the admin builds
the community, opens its head's account and starts a campaign; the head imports the register the community keeps
(a title row, no street or grid column, the address in one column, one column mapped by hand), previews and
confirms it, puts a building on the map, imports the roster and prints its invite sheet; a worker binds with a
code from that sheet and records a visit through the mini-program API; the overview, the map and the exported
台账 show it."""
from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from pathlib import Path

import openpyxl
import pytest
import requests
from flask_migrate import upgrade
from PIL import Image

from server.app import create_app
from server.extensions import db
from tests.browser.conftest import serve, sign_in
from tests.browser.test_building_map import EMPTY_SPOT
from tests.qr import pdf_text

API = "/api/mp/v1"
ADMIN_PASSWORD = "street-office-2026"


@pytest.fixture(scope="module")
def blank_server(tmp_path_factory):
    """The app over real HTTP on a database that `flask db upgrade` has just made: nothing in it."""
    folder = tmp_path_factory.mktemp("street-office")
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'office.db'}",
                      "UPLOAD_DIR": str(folder / "uploads"), "SECRET_KEY": "street-office-tests",
                      "WECHAT_DEV_LOGIN": True})
    with app.app_context():
        upgrade()
        db.session.remove()
    yield from serve(app)


def cli(app, *args) -> str:
    """Run a command as the README says (`flask --app wsgi …`) and return what it printed on stdout."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def sign_out(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login**")


def register_csv(path: Path) -> Path:
    """The register 柳岸社区 keeps: a title row and a 填报 row, no street, community or grid column, the address
    in one column under a name nobody taught the importer (房屋坐落), a 合计 row; saved by Excel as GBK."""
    path.write_bytes("\r\n".join([
        "柳岸社区生活垃圾分类入户宣传登记表,,,",
        "填报单位：柳岸社区居委会,,填报日期：2026年12月1日,",
        "序号,房屋坐落,户主姓名,联系电话",
        "1,1栋1单元101室,张三,13800138001",
        "2,1-1-102,李四,",
        "3,2号楼2单元301,王五,13800138003",
        "合计,,3户,",
    ]).encode("gbk"))
    return path


def roster_csv(path: Path) -> Path:
    path.write_bytes("柳岸社区网格员名单\r\n姓名,手机,网格\r\n赵六,13900139001,第一网格\r\n钱七,13900139002,第一网格\r\n"
                     .encode("gbk"))
    return path


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(out, "JPEG")
    return out.getvalue()


def test_a_street_office_goes_from_an_empty_database_to_its_first_visit(browser, blank_server, tmp_path):
    app = blank_server.app_for_tests
    # 1. The areas and the first admin, from the command line (nobody can sign in yet).
    district = cli(app, "create-area", "--name", "湖东区").strip()
    street = cli(app, "create-area", "--name", "湖东街道", "--parent", district).strip()
    cli(app, "create-user", "--role", "street_admin", "--area", street, "--name", "孙街道",
        "--username", "hudong_admin", "--password", ADMIN_PASSWORD)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=blank_server.url,
                                  accept_downloads=True)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("dialog", lambda dialog: dialog.accept())

    # 2. The admin signs in to an empty street, builds its community and grid, and opens the head's account.
    sign_in(page, "hudong_admin", ADMIN_PASSWORD)
    page.wait_for_url("**/dashboard/campaigns")
    page.goto("/dashboard/areas")
    page.locator(f'[data-area-id="{street}"] > details summary').filter(has_text="添加社区").click()
    page.fill(f"#name-{street}", "柳岸社区")
    page.locator(f"#name-{street}").press("Enter")
    community = page.locator("[data-area-id]").filter(has_text="柳岸社区").first.get_attribute("data-area-id")
    page.locator(f'[data-area-id="{community}"] > details summary').filter(has_text="添加网格").click()
    page.fill(f"#name-{community}", "第一网格")
    page.locator(f"#name-{community}").press("Enter")
    page.get_by_text("第一网格").wait_for()
    page.locator(f'[data-area-id="{community}"] > details summary').filter(has_text="开设社区负责人账号").click()
    page.fill(f"#staff-name-{community}", "周主任")
    page.fill(f"#staff-username-{community}", "liuan_head")
    page.locator(f"#staff-username-{community}").press("Enter")
    head_password = page.get_by_test_id("appointed-password").inner_text()

    # 3. The admin creates the street's campaign, with its materials and texts, and starts it.
    page.goto("/dashboard/campaigns/new")
    today = dt.date.today()
    page.fill("input[name=name]", "湖东街道垃圾分类敲门行动")
    page.select_option("select[name=area_id]", street)
    page.fill("input[name=start_date]", (today - dt.timedelta(days=1)).isoformat())
    page.fill("input[name=end_date]", (today + dt.timedelta(days=30)).isoformat())
    page.fill("input[name=material_quantity-0]", "500")
    page.get_by_test_id("save-campaign").click()
    page.wait_for_url(re.compile(r".*/dashboard/campaigns/\d+$"))
    page.get_by_test_id("activate").click()
    page.wait_for_selector("[data-testid=campaign-status]:has-text('进行中')")
    campaign = int(re.search(r"/campaigns/(\d+)", page.url).group(1))
    sign_out(page)

    # 4. The head imports the register: maps 房屋坐落 to 地址, previews, confirms.
    sign_in(page, "liuan_head", head_password)
    page.wait_for_url("**/dashboard/**")
    page.get_by_role("link", name="导入住户").click()
    page.locator("input[type=file]").set_input_files(str(register_csv(tmp_path / "登记表.csv")))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/map?**")
    page.get_by_label("房屋坐落").select_option(label="地址")
    page.get_by_role("button", name="保存并预览").click()
    page.wait_for_selector("[data-testid=import-counts]")
    assert "新增 3 户" in page.get_by_test_id("import-counts").inner_text().replace("\n", "")
    sample = page.get_by_test_id("import-sample").inner_text()
    assert "2栋" in sample and "王*" in sample and "王五" not in sample, sample  # names masked, 2号楼 read as 2栋
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector("text=导入完成")

    # 5. The head puts building 1栋 on the map.
    page.get_by_role("link", name="地图").click()
    page.wait_for_selector("#map[data-ready]")
    unplaced = page.locator("[data-unplaced]").filter(has_text="1栋")
    building = unplaced.get_attribute("data-unplaced")
    unplaced.get_by_role("button", name="放到地图上").click()
    x, y = page.locator("#map").evaluate(EMPTY_SPOT)
    page.locator("#map").click(position={"x": x, "y": y})
    page.get_by_test_id("map-message").filter(has_text="已标注 1栋 的位置").wait_for()

    # 6. The head imports the roster and prints its invite sheet.
    page.get_by_role("link", name="人员").click()
    page.get_by_test_id("roster-link").click()
    page.get_by_test_id("roster-file").set_input_files(str(roster_csv(tmp_path / "名单.csv")))
    page.get_by_test_id("roster-preview").click()
    assert page.get_by_test_id("roster-preview-rows").locator("tbody tr").count() == 2
    page.get_by_test_id("roster-confirm").click()
    with page.expect_download() as info:
        page.get_by_test_id("roster-pdf").click()
    sheet = tmp_path / "invites.pdf"
    sheet.write_bytes(Path(info.value.path()).read_bytes())
    text = pdf_text(sheet)
    codes = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", text)
    assert len(codes) == 2 and "赵六" in text and "钱七" in text

    # 7. A worker signs in to the mini-program, binds with the first code and records a visit at 1栋1单元101.
    api = requests.Session()
    token = api.post(f"{blank_server.url}{API}/auth/login", json={"code": "zhaoliu-phone"}, timeout=10).json()["token"]
    bound = api.post(f"{blank_server.url}{API}/auth/bind", json={"invite_code": codes[0]},
                     headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert bound.status_code == 200, bound.text
    headers = {"Authorization": f"Bearer {bound.json().get('token', token)}"}
    campaigns = api.get(f"{blank_server.url}{API}/campaigns", headers=headers, timeout=10).json()
    assert [c["id"] for c in campaigns] == [campaign]
    grid = bound.json()["user"]["areas"][0]["id"]
    walk = api.get(f"{blank_server.url}{API}/households", params={"grid_id": grid, "campaign_id": campaign},
                   headers=headers, timeout=10).json()
    door = next(h for h in walk["items"] if h["label"] == "1栋1单元101")
    photo = api.post(f"{blank_server.url}{API}/files", headers=headers, data={"kind": "photo"},
                     files={"file": ("photo.jpg", jpeg(), "image/jpeg")}, timeout=10).json()["id"]
    visit = api.post(f"{blank_server.url}{API}/visits", headers=headers, timeout=10, json={
        "id": str(uuid.uuid4()), "campaign_id": campaign, "household_id": door["id"], "outcome": "contacted",
        "visited_at": dt.datetime.now(dt.timezone.utc).isoformat(), "photo_file_id": photo,
        "materials": [{"code": "notice", "quantity": 1}, {"code": "brochure", "quantity": 1}]})
    assert visit.status_code == 201, visit.text

    # 8. The overview, the map and the exported 台账 show it.
    page.goto(f"/dashboard/?campaign={campaign}&area={community}")
    assert page.get_by_test_id("figure-contacted").locator(".qd-figure__value").inner_text() == "1"
    assert page.get_by_test_id("figure-in_scope").locator(".qd-figure__value").inner_text() == "3"
    map_data = page.request.get(f"/dashboard/map.json?campaign={campaign}&area={community}").json()
    placed = [b for b in map_data["buildings"] if str(b["id"]) == building]
    assert placed and placed[0]["contacted"] == 1 and placed[0]["lat"] is not None
    page.goto(f"/dashboard/map?campaign={campaign}&area={community}")
    page.wait_for_selector("#map[data-ready]")
    pin = page.locator(f'.qd-pin[data-building="{building}"]')
    assert "qd-pin--amber" in pin.get_attribute("class"), "1栋: one of its two households reached"
    page.get_by_test_id("export-link").click()  # a background job (memory:// here: done at once), then its page
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True)
    rows = [[str(c) if c is not None else "" for c in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    visited = [row for row in rows if "入户宣传" in row]
    assert len(visited) == 1 and "1栋" in visited[0] and "101" in "".join(visited[0])
    context.close()
    assert violations == []
