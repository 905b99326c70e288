"""Importing a roster of workers: accounts with invite codes in the right grids, all or nothing, idempotent, and an
invite sheet with one card per person that a worker signs in with."""
import re

import pytest
from sqlalchemy import func, select, text

from models import AreaLevel, AuditEvent, InviteCode, Role, User
from server.extensions import db as _db
from server.services.access.accounts import deactivate_user, find_invite
from server.services.registry.areas import create_area
from tests.qr import decode_image, pdf_text, render_pdf_page
from tests.rosters import GOOD_ROWS, import_roster_file, write_csv, write_xlsx

API = "/api/mp/v1"


def _workers(*names):
    return {u.name: u for u in _db.session.scalars(select(User).where(User.name.in_(names)))}


def test_a_good_roster_creates_one_account_per_person_with_an_invite_code_in_the_right_grid(
        runner, field, tmp_path):
    path = write_csv(tmp_path / "名单.csv", GOOD_ROWS, encoding="gbk", title="金桥社区网格员名单")
    result = import_roster_file(runner, path, field.community_a, "-o", str(tmp_path / "invites.pdf"))
    assert result.exit_code == 0, result.output
    assert "新增 3 人" in result.output and "邀请卡 3 张" in result.output
    workers = _workers("张三", "李四", "王五")
    assert {name: (u.role, [a.id for a in u.areas]) for name, u in workers.items()} == {
        "张三": (Role.GRID_WORKER, [field.grid_a1.id]),
        "李四": (Role.VOLUNTEER, [field.grid_a2.id]),
        "王五": (Role.GRID_WORKER, [field.grid_a2.id]),  # 3栋 lies in 第二网格
    }
    assert workers["李四"].phone == "13900001111" and workers["王五"].phone == "13700002222"
    assert all(_db.session.scalar(select(func.count(InviteCode.id)).where(InviteCode.user_id == u.id)) == 1
               for u in workers.values())


def test_a_workers_phone_is_stored_encrypted(runner, field, tmp_path):
    import_roster_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS[:1]), field.community_a,
                       "-o", str(tmp_path / "i.pdf"))
    raw = _db.session.execute(text('SELECT phone, phone_index FROM "user" WHERE phone IS NOT NULL')).one()
    assert "13812345678" not in raw.phone and "13812345678" not in raw.phone_index
    assert _workers("张三")["张三"].phone == "13812345678"


def test_an_xlsx_roster_with_the_phone_as_a_number_imports(runner, field, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["张三", 13812345678, "第一网格", None, "网格员"]])
    result = import_roster_file(runner, path, field.community_a, "-o", str(tmp_path / "i.pdf"))
    assert result.exit_code == 0, result.output
    assert _workers("张三")["张三"].phone == "13812345678"


# Each is the third row of its file, under a good second row (whose phone is 13500003333).
BAD_ROSTERS = {
    "missing name": ([["", "13812345678", "第一网格", "", ""]], "第 3 行「姓名」：不能为空"),
    "bad phone": ([["张三", "12345", "第一网格", "", ""]], "第 3 行「手机」：“12345”不是有效的手机号"),
    "landline": ([["张三", "023-79221234", "第一网格", "", ""]], "第 3 行「手机」：“023-79221234”不是有效的手机号"),
    "unknown grid": ([["张三", "13812345678", "第九网格", "", ""]], "第 3 行「网格」：“第九网格”不是「金桥社区」里的网格"),
    "grid outside area": ([["张三", "13812345678", "滨江第三网格", "", ""]],
                          "第 3 行「网格」：“滨江第三网格”不是「金桥社区」里的网格"),
    "unknown building": ([["张三", "13812345678", "", "99栋", ""]], "第 3 行「楼栋」：“99栋”不是「金桥社区」里的楼栋"),
    "building of another grid": ([["张三", "13812345678", "第一网格", "3栋", ""]],
                                 "第 3 行「楼栋」：楼栋“3栋”属于“第二网格”，不属于“第一网格”"),
    "unknown role": ([["张三", "13812345678", "第一网格", "", "队长"]], "第 3 行「角色」：“队长”不是有效的角色"),
    "duplicate row": ([["张三", "13812345678", "第一网格", "", ""], ["张三", "138 1234 5678", "第一网格", "", ""]],
                      "第 4 行「手机」：与第 3 行是同一个手机号"),
}


@pytest.mark.parametrize("rows,message", BAD_ROSTERS.values(), ids=BAD_ROSTERS.keys())
def test_a_bad_row_is_refused_naming_its_row_and_column_and_nothing_is_stored(runner, field, tmp_path, rows,
                                                                             message):
    create_area("滨江第三网格", AreaLevel.GRID, field.community_b)
    _db.session.commit()
    users_before = _db.session.scalar(select(func.count(User.id)))
    codes_before = _db.session.scalar(select(func.count(InviteCode.id)))
    good = [["赵六", "13500003333", "第一网格", "", ""]]  # a good row beside the bad one is not kept either
    result = import_roster_file(runner, write_csv(tmp_path / "r.csv", good + rows), field.community_a,
                                "-o", str(tmp_path / "i.pdf"))
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "没有导入任何人员" in result.output
    assert _db.session.scalar(select(func.count(User.id))) == users_before
    assert _db.session.scalar(select(func.count(InviteCode.id))) == codes_before
    assert not (tmp_path / "i.pdf").exists()


def test_a_roster_without_a_phone_column_is_refused_naming_the_header_row_and_the_column(runner, field, tmp_path):
    path = write_csv(tmp_path / "r.csv", [["张三", "13812345678", "第一网格"]], header=["姓名", "号码", "网格"],
                     title="金桥社区网格员名单")
    result = import_roster_file(runner, path, field.community_a)
    assert result.exit_code == 1
    assert "第 2 行表头缺少列：手机" in result.output  # the header under the title row
    assert _db.session.scalar(select(func.count(User.id)).where(User.name == "张三")) == 0


def test_a_phone_held_by_another_account_is_refused(runner, field, tmp_path):
    field.users["worker_b1"].phone = "13812345678"  # 滨江社区's worker, outside 金桥社区
    _db.session.commit()
    result = import_roster_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS), field.community_a)
    assert result.exit_code == 1
    assert "第 2 行「手机」：这个手机号已被另一个账号使用" in result.output
    assert "赵网格" not in result.output  # whose it is stays outside the importer's scope


def test_a_grid_named_alike_in_two_communities_needs_the_community_column(runner, field, tmp_path):
    rows = [["张三", "13812345678", "第一网格", ""]]
    ambiguous = import_roster_file(runner, write_csv(tmp_path / "a.csv", rows, header=["姓名", "手机", "网格", "社区"]),
                                   field.street)
    assert ambiguous.exit_code == 1 and "第 2 行「社区」：有 2 个网格叫“第一网格”" in ambiguous.output
    rows = [["张三", "13812345678", "第一网格", "滨江社区"]]
    named = import_roster_file(runner, write_csv(tmp_path / "b.csv", rows, header=["姓名", "手机", "网格", "社区"]),
                               field.street, "-o", str(tmp_path / "i.pdf"))
    assert named.exit_code == 0, named.output
    assert [a.id for a in _workers("张三")["张三"].areas] == [field.grid_b1.id]


def test_a_dry_run_lists_what_would_be_created_and_stores_nothing(runner, field, tmp_path):
    result = import_roster_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS), field.community_a, "--dry-run",
                                "-o", str(tmp_path / "i.pdf"))
    assert result.exit_code == 0, result.output
    assert "第 3 行：李四 · 志愿者 · 金桥社区 · 第二网格（新增）" in result.output and "新增 3 人" in result.output
    assert _db.session.scalar(select(func.count(User.id)).where(User.name == "张三")) == 0
    assert not (tmp_path / "i.pdf").exists()


def test_importing_the_same_roster_again_adds_no_account_and_reissues_codes_only_to_who_has_not_signed_in(
        runner, client, field, tmp_path):
    path = write_csv(tmp_path / "r.csv", GOOD_ROWS)
    first = import_roster_file(runner, path, field.community_a, "-o", str(tmp_path / "1.pdf"))
    codes = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", pdf_text(tmp_path / "1.pdf"))
    assert first.exit_code == 0 and len(codes) == 3
    token = client.post(f"{API}/auth/login", json={"code": "phone-zhang"}).get_json()["token"]
    bound = client.post(f"{API}/auth/bind", json={"invite_code": codes[0]}, headers={"Authorization": f"Bearer {token}"})
    assert bound.status_code == 200 and bound.get_json()["user"]["name"] == "张三"
    users_before = _db.session.scalar(select(func.count(User.id)))

    again = import_roster_file(runner, path, field.community_a, "-o", str(tmp_path / "2.pdf"))
    assert again.exit_code == 0, again.output
    assert "新增 0 人，更新 0 人，未变 3 人" in again.output and "未重发邀请码：张三" in again.output
    assert _db.session.scalar(select(func.count(User.id))) == users_before
    new_codes = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", pdf_text(tmp_path / "2.pdf"))
    assert len(new_codes) == 2 and not set(new_codes) & set(codes)
    assert [find_invite(c) for c in codes[1:]] == [None, None], "the first sheet's unused codes stop working"
    assert {find_invite(c).user.name for c in new_codes} == {"李四", "王五"}


def test_a_changed_grid_moves_the_same_person_instead_of_adding_one(runner, field, tmp_path):
    import_roster_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS[:1]), field.community_a,
                       "-o", str(tmp_path / "1.pdf"))
    moved = [["张三", "13812345678", "第二网格", "", "网格员"]]
    result = import_roster_file(runner, write_csv(tmp_path / "m.csv", moved), field.community_a,
                                "-o", str(tmp_path / "2.pdf"))
    assert result.exit_code == 0 and "更新 1 人" in result.output
    (zhang,) = _db.session.scalars(select(User).where(User.name == "张三"))
    assert [a.id for a in zhang.areas] == [field.grid_a2.id]
    renamed = [["张小三", "13812345678", "第二网格", "", ""]]
    refused = import_roster_file(runner, write_csv(tmp_path / "n.csv", renamed), field.community_a)
    assert refused.exit_code == 1 and "这个手机号已是“张三”的账号，姓名不一致" in refused.output


def test_a_deactivated_worker_on_the_roster_is_refused_rather_than_given_a_code_that_cannot_work(
        runner, field, tmp_path):
    import_roster_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS[:1]), field.community_a,
                       "-o", str(tmp_path / "1.pdf"))
    deactivate_user(_workers("张三")["张三"])
    _db.session.commit()
    again = import_roster_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS[:1]), field.community_a,
                               "-o", str(tmp_path / "2.pdf"))
    assert again.exit_code == 1 and "第 2 行「手机」：“张三”的账号已停用" in again.output


def test_the_invite_sheet_has_one_card_per_person_with_the_code_as_text_and_a_qr_that_opens_the_sign_in(
        runner, app, field, tmp_path):
    rows = [[f"测试{n}号", f"1381234{n:04d}", "第一网格", "", ""] for n in range(10)]
    pdf = tmp_path / "invites.pdf"
    result = import_roster_file(runner, write_csv(tmp_path / "r.csv", rows), field.community_a, "-o", str(pdf))
    assert result.exit_code == 0, result.output
    text_ = pdf_text(pdf)
    codes = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", text_)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(f"测试{n}号" in text_ for n in range(10)) and "网格员 · 金桥社区 · 第一网格" in text_
    assert "13812340001" not in text_ and "沿虚线剪开" in text_
    assert [find_invite(c).user.name for c in codes] == [f"测试{n}号" for n in range(10)]
    scanned = decode_image(render_pdf_page(pdf, 1, tmp_path, dpi=150)) + \
        decode_image(render_pdf_page(pdf, 2, tmp_path, dpi=150))
    base = app.config["PUBLIC_BASE_URL"]
    assert sorted(scanned) == sorted(f"{base}/w/login#code={c}" for c in codes)


def test_a_worker_binds_with_a_code_from_the_roster_and_lists_their_walk_list(runner, client, field, tmp_path):
    pdf = tmp_path / "invites.pdf"
    assert import_roster_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS[:1]), field.community_a,
                              "-o", str(pdf)).exit_code == 0
    (code,) = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", pdf_text(pdf))
    token = client.post(f"{API}/auth/login", json={"code": "wx-roster:张三"}).get_json()["token"]
    bound = client.post(f"{API}/auth/bind", json={"invite_code": code}, headers={"Authorization": f"Bearer {token}"})
    assert bound.status_code == 200, bound.get_json()
    headers = {"Authorization": f"Bearer {bound.get_json()['token']}"}
    walk = client.get(f"{API}/households?grid_id={field.grid_a1.id}&campaign_id={field.campaign.id}&limit=50",
                      headers=headers)
    assert walk.status_code == 200
    assert {item["id"] for item in walk.get_json()["items"]} == {h.id for h in field.households_a1}
    other = client.get(f"{API}/households?grid_id={field.grid_a2.id}&campaign_id={field.campaign.id}",
                       headers=headers)
    assert other.status_code == 404


def test_the_cli_import_is_audited(runner, field, tmp_path):
    import_roster_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS), field.community_a,
                       "-o", str(tmp_path / "i.pdf"))
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import_roster"))
    assert event.object_id == field.community_a.id and '"created": 3' in event.detail


def test_an_invite_sheet_that_cannot_be_written_is_said_in_one_line_and_nobody_is_imported(runner, field, tmp_path):
    result = import_roster_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS), field.community_a,
                                "-o", str(tmp_path / "no-such-folder" / "i.pdf"))
    assert result.exit_code == 1 and "无法写入" in result.output and "Traceback" not in result.output
    assert _db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "import_roster")) == 0
