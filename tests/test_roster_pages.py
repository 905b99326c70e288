"""The roster import on the team page (人员): upload, preview, confirm, and an invite sheet only its importer
downloads, every step scoped and audited; phones masked in every list."""
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from models import AuditEvent, RosterSheet, User
from server.extensions import db as _db
from server.services.imports.roster import read_roster
from tests.conftest import csrf_token_of
from tests.qr import pdf_text
from tests.rosters import GOOD_ROWS, HEADER
from tests.staff import sign_in


def _csv(rows, header=HEADER) -> bytes:
    return "\n".join(",".join(row) for row in [header, *rows]).encode("gbk")


def _preview(client, area, data: bytes, name="名单.csv"):
    page = client.get(f"/dashboard/team/roster?area={area.id}").get_data(as_text=True)
    return client.post(f"/dashboard/team/roster?area={area.id}", content_type="multipart/form-data",
                       data={"csrf_token": csrf_token_of(page), "file": (io.BytesIO(data), name)})


def _confirm(client, area, preview_html: str):
    return client.post(f"/dashboard/team/roster/confirm?area={area.id}",
                       data={"csrf_token": csrf_token_of(preview_html), "token": _token(preview_html)})


def _token(preview_html: str) -> str:
    """The kept upload the confirm form names: the page carries nothing else of the file."""
    return re.search(r'name="token" type="hidden" value="([^"]+)"', preview_html).group(1)


def _users() -> int:
    return _db.session.scalar(select(func.count(User.id)))


def test_a_head_previews_a_roster_confirms_it_and_downloads_the_invite_sheet(client, field, tmp_path):
    sign_in(client, "head_a")
    before = _users()
    preview = _preview(client, field.community_a, _csv(GOOD_ROWS))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "将创建 3 人" in html
    assert "139****1111" in html and "13900001111" not in html, "the preview shows phones masked, the form none"
    assert "金桥社区 · 第二网格" in html and _users() == before, "a preview writes nothing"

    done = _confirm(client, field.community_a, html)
    assert done.status_code == 302 and "/dashboard/team/roster/" in done.headers["Location"]
    assert _users() == before + 3
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "新增 3 人" in result and "邀请卡 3 张" in result
    pdf_url = re.search(r'href="([^"]+/invites\.pdf[^"]*)"', result).group(1).replace("&amp;", "&")
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    (tmp_path / "i.pdf").write_bytes(pdf.data)
    text = pdf_text(tmp_path / "i.pdf")
    assert len(re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", text)) == 3 and all(n in text for n in ("张三", "李四", "王五"))
    actions = set(_db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.user_id == field.users["head_a"].id)))
    assert {"import_roster", "download_invite_sheet"} <= actions


def test_the_invite_sheet_is_a_404_to_anyone_but_its_importer(client, app, field):
    sign_in(client, "head_a")
    html = _preview(client, field.community_a, _csv(GOOD_ROWS[:1])).get_data(as_text=True)
    location = _confirm(client, field.community_a, html).headers["Location"]
    token = re.search(r"/team/roster/([^/?]+)", location).group(1)
    other = app.test_client()
    sign_in(other, "street_admin")  # above the head, but not who imported it
    assert other.get(f"/dashboard/team/roster/{token}/invites.pdf").status_code == 404
    assert other.get(f"/dashboard/team/roster/{token}").status_code == 404
    assert client.get(f"/dashboard/team/roster/{token[:-2]}xx/invites.pdf").status_code == 404


def test_the_invite_sheet_is_gone_once_its_codes_have_expired(client, app, field):
    sign_in(client, "head_a")
    html = _preview(client, field.community_a, _csv(GOOD_ROWS[:1])).get_data(as_text=True)
    location = _confirm(client, field.community_a, html).headers["Location"]
    token = re.search(r"/team/roster/([^/?]+)", location).group(1)
    sheet = _db.session.scalar(select(RosterSheet).where(RosterSheet.token == token))
    sheet.expires_at = sheet.created_at  # as if INVITE_TTL_HOURS had passed
    _db.session.commit()
    assert client.get(f"/dashboard/team/roster/{token}/invites.pdf").status_code == 404
    html = _preview(client, field.community_a, _csv(GOOD_ROWS[1:])).get_data(as_text=True)
    _confirm(client, field.community_a, html)
    assert _db.session.scalar(select(func.count(RosterSheet.id)).where(RosterSheet.token == token)) == 0


def test_a_bad_roster_is_shown_with_every_error_by_row_and_column_and_cannot_be_confirmed(client, field):
    sign_in(client, "head_a")
    before = _users()
    bad = GOOD_ROWS + [["", "12345", "第一网格", "", ""], ["赵六", "13500003333", "第一网格", "", ""]]
    response = _preview(client, field.community_a, _csv(bad))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 5 行「姓名」：不能为空" in html and "第 5 行「手机」：“12345”不是有效的手机号" in html
    assert "未导入任何人" in html and 'name="token"' not in html
    assert _users() == before


def test_a_head_cannot_import_workers_into_another_community(client, field):
    sign_in(client, "head_a")
    response = _preview(client, field.community_b, _csv(GOOD_ROWS))
    assert response.status_code == 404
    html = _preview(client, field.community_a, _csv([["张三", "13812345678", "", "1栋", ""]])).get_data(as_text=True)
    moved = client.post(f"/dashboard/team/roster/confirm?area={field.grid_a2.id}",
                        data={"csrf_token": csrf_token_of(html), "token": _token(html)})
    assert moved.status_code == 302 and "/dashboard/team/roster?" in moved.headers["Location"]
    assert _db.session.scalar(select(func.count(User.id)).where(User.name == "张三")) == 0


def test_a_tampered_confirmation_imports_nothing(client, field):
    sign_in(client, "head_a")
    html = _preview(client, field.community_a, _csv(GOOD_ROWS)).get_data(as_text=True)
    response = client.post(f"/dashboard/team/roster/confirm?area={field.community_a.id}",
                           data={"csrf_token": csrf_token_of(html), "token": "A" * 32})
    assert response.status_code == 302
    assert _db.session.scalar(select(func.count(User.id)).where(User.name == "张三")) == 0


def test_the_team_page_lists_workers_phones_masked(client, field):
    sign_in(client, "head_a")
    html = _preview(client, field.community_a, _csv(GOOD_ROWS)).get_data(as_text=True)
    _confirm(client, field.community_a, html)
    team = client.get(f"/dashboard/team?area={field.community_a.id}").get_data(as_text=True)
    assert "138****5678" in team and "137****2222" in team
    assert "13812345678" not in team and "13700002222" not in team


def test_the_roster_template_reads_back_as_a_valid_roster(client, field, tmp_path):
    sign_in(client, "head_a")
    response = client.get(f"/dashboard/team/roster-template.xlsx?area={field.community_a.id}")
    assert response.status_code == 200
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.data)
    assert [c.value for c in load_workbook(path).active[1]] == ["姓名", "手机", "网格", "楼栋", "角色"]
    assert [(r.number, r.values["name"]) for r in read_roster(path)] == [(2, "张三"), (3, "李四")]
    html = _preview(client, field.community_a, response.data, "模板.xlsx").get_data(as_text=True)
    assert "将创建 2 人" in html  # 第一网格 and 3栋 are in 金桥社区


def test_the_kept_upload_is_gone_once_confirmed_and_is_only_its_importers(client, app, field):
    sign_in(client, "head_a")
    html = _preview(client, field.community_a, _csv(GOOD_ROWS)).get_data(as_text=True)
    other = app.test_client()
    sign_in(other, "street_admin")  # may import into 金桥社区, but the upload is not theirs
    page = other.get(f"/dashboard/team/roster?area={field.community_a.id}").get_data(as_text=True)
    stolen = other.post(f"/dashboard/team/roster/confirm?area={field.community_a.id}",
                        data={"csrf_token": csrf_token_of(page), "token": _token(html)})
    assert stolen.status_code == 302 and _db.session.scalar(select(func.count(User.id)).where(User.name == "张三")) == 0
    before = _users()
    assert _confirm(client, field.community_a, html).status_code == 302 and _users() == before + 3
    again = _confirm(client, field.community_a, html)
    assert again.status_code == 302 and "/dashboard/team/roster?" in again.headers["Location"]
