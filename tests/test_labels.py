"""Door labels print as an A4 PDF whose codes scan back to the right doors, with Chinese that renders everywhere."""
import pytest
from sqlalchemy import select

from models import Household, Role
from server.extensions import db as _db
from server.services.registry.door_codes import door_url
from tests.factories import make_building, make_campaign, make_household, make_tree, make_user
from tests.qr import decode_image, pdf_fonts, pdf_text, render_pdf_page

PASSWORD = "correct-horse-9"


@pytest.fixture
def grid_households(db):
    """A grid with buildings named so that text order and door order differ (2栋 before 10栋)."""
    district, street, community, grids = make_tree(grids=("第一网格", "第二网格"))
    make_campaign(district, name="秋季敲门行动")
    b10, b2 = make_building(grids[0], "10栋"), make_building(grids[0], "2栋")
    for building in (b10, b2):
        for unit in ("2", "1"):
            for room in ("1201", "302", "301"):
                make_household(building, unit=unit, room=room)
    make_household(make_building(grids[1], "9栋"), unit="1", room="101")
    make_user(Role.COMMUNITY_HEAD, [community], username="head", password=PASSWORD)
    _, _, elsewhere, _ = make_tree(district="江北区", street="江北街道", community="别的社区")
    make_user(Role.COMMUNITY_HEAD, [elsewhere], username="stranger", password=PASSWORD)
    _db.session.commit()
    return grids


def door_order(grid):
    expected = []
    for building in ("2栋", "10栋"):
        for unit in ("1", "2"):
            for room in ("301", "302", "1201"):
                expected.append(f"{building}{unit}单元{room}")
    return expected


def urls_by_label(app):
    return {h.label: door_url(app.config["PUBLIC_BASE_URL"], h) for h in _db.session.scalars(select(Household))}


def test_the_cli_prints_a_grids_labels_that_decode_to_its_doors_in_door_order(runner, app, grid_households,
                                                                             tmp_path):
    grid = grid_households[0]
    output = tmp_path / "labels.pdf"
    result = runner.invoke(args=["qr-labels", "--area", str(grid.id), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "已生成 12 张门贴" in result.output
    decoded = decode_image(render_pdf_page(output, 1, tmp_path))
    urls = urls_by_label(app)
    assert sorted(decoded) == sorted(urls[label] for label in door_order(grid))
    text = pdf_text(output, 1)
    positions = [text.index(label) for label in door_order(grid)[:3]]
    assert positions == sorted(positions), "labels run in door order, across then down"
    assert "微信扫一扫 · 签署垃圾分类承诺书" in text and "金桥社区 · 第一网格" in text


def test_the_label_pdf_embeds_a_subset_of_a_cjk_font(runner, grid_households, tmp_path):
    output = tmp_path / "labels.pdf"
    runner.invoke(args=["qr-labels", "--area", str(grid_households[0].id), "-o", str(output)])
    fonts = pdf_fonts(output).splitlines()[2:]
    assert fonts, "the PDF names its fonts"
    for line in fonts:
        name, *_rest = line.split()
        assert "+" in name, f"{name} is a subset"
        assert " yes yes yes " in line, f"{line!r}: embedded, subset, with a ToUnicode map"


def test_codes_are_printed_large_enough_to_scan_from_30_cm(runner, grid_households, tmp_path):
    output = tmp_path / "labels.pdf"
    runner.invoke(args=["qr-labels", "--area", str(grid_households[0].id), "-o", str(output)])
    page = render_pdf_page(output, 1, tmp_path, dpi=100)
    import zxingcpp

    result = zxingcpp.read_barcodes(page)[0]
    width_px = abs(result.position.top_right.x - result.position.top_left.x)
    assert width_px / 100 * 25.4 >= 30, "a code of 30 mm or more reads from 30 cm"


def test_a_community_with_more_labels_than_a_page_runs_over_several_pages(runner, grid_households, tmp_path):
    community = grid_households[0].parent
    output = tmp_path / "community.pdf"
    result = runner.invoke(args=["qr-labels", "--area", str(community.id), "-o", str(output)])
    assert "已生成 13 张门贴" in result.output
    assert len(decode_image(render_pdf_page(output, 2, tmp_path))) == 1


def test_a_head_prints_a_grids_labels_from_the_staff_page(client, login, app, grid_households, tmp_path):
    login("head", PASSWORD)
    home = client.get("/staff/").get_data(as_text=True)
    link = f"/staff/areas/{grid_households[0].id}/labels.pdf"
    assert link in home
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "web.pdf"
    path.write_bytes(response.data)
    assert len(decode_image(render_pdf_page(path, 1, tmp_path))) == 12


def test_labels_of_an_area_outside_the_callers_scope_are_404(client, login, grid_households):
    login("stranger", PASSWORD)
    assert client.get(f"/staff/areas/{grid_households[0].id}/labels.pdf").status_code == 404


def test_without_an_embeddable_cjk_font_the_cli_says_what_to_install(runner, app, grid_households, tmp_path):
    app.config["LABEL_FONT"] = "/usr/share/fonts/opentype/noto/none-such.otf"
    result = runner.invoke(args=["qr-labels", "--area", str(grid_households[0].id), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "fonts-wqy-zenhei" in result.output and "LABEL_FONT" in result.output


def test_an_unknown_area_is_refused(runner, grid_households, tmp_path):
    result = runner.invoke(args=["qr-labels", "--area", "9999", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "没有编号为 9999 的区域" in result.output
