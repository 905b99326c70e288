"""Building the tree a street office works in: areas from the command line and the dashboard, heads appointed."""
from __future__ import annotations

from sqlalchemy import func, select

from models import Area, AreaLevel, AuditEvent, Role, User
from server.extensions import db as _db
from tests.conftest import csrf_token_of
from tests.staff import sign_in


def test_create_area_builds_a_tree_from_an_empty_database_printing_each_id(runner):
    district = runner.invoke(args=["create-area", "--name", "清溪区"])
    assert district.exit_code == 0, district.output
    district_id = int(district.stdout.strip())
    street_id = int(runner.invoke(args=["create-area", "--name", "城西街道", "--parent", str(district_id)]).stdout)
    community = runner.invoke(args=["create-area", "--name", "金桥社区", "--parent", str(street_id),
                                    "--level", "community", "--type", "老旧小区"])
    community_id = int(community.stdout)
    assert _db.session.get(Area, community_id).level is AreaLevel.COMMUNITY
    listing = runner.invoke(args=["list-areas"]).output
    assert f"{community_id}\t社区\t金桥社区" in listing and f"{district_id}\t区\t清溪区" in listing


def test_create_area_refuses_a_wrong_level_a_duplicate_and_a_missing_parent_and_keeps_nothing(runner):
    district_id = int(runner.invoke(args=["create-area", "--name", "清溪区"]).stdout)
    wrong = runner.invoke(args=["create-area", "--name", "金桥社区", "--parent", str(district_id), "--level", "community"])
    assert wrong.exit_code != 0 and "下面只能建街道" in wrong.output
    runner.invoke(args=["create-area", "--name", "城西街道", "--parent", str(district_id)])
    again = runner.invoke(args=["create-area", "--name", "城西街道", "--parent", str(district_id)])
    assert again.exit_code != 0 and "已有名为“城西街道”的街道" in again.output
    missing = runner.invoke(args=["create-area", "--name", "某街道", "--parent", "999"])
    assert missing.exit_code != 0 and "没有编号为 999 的区域" in missing.output
    assert _db.session.scalar(select(func.count(Area.id))) == 2


def _post(client, url, page_url, **data):
    token = csrf_token_of(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_a_street_admin_adds_a_community_and_its_grid_and_opens_its_heads_account_shown_once(client, field):
    sign_in(client, "street_admin")
    page = client.get("/dashboard/areas").get_data(as_text=True)
    assert f"编号 {field.street.id}" in page and "金桥社区" in page
    added = _post(client, f"/dashboard/areas/{field.street.id}/children", "/dashboard/areas", name="阳光社区")
    assert added.status_code == 200 and "阳光社区" in added.get_data(as_text=True)
    community = _db.session.scalar(select(Area).where(Area.name == "阳光社区"))
    assert community.level is AreaLevel.COMMUNITY and community.parent_id == field.street.id
    _post(client, f"/dashboard/areas/{community.id}/children", "/dashboard/areas", name="第一网格")
    assert _db.session.scalar(select(Area).where(Area.parent_id == community.id)).level is AreaLevel.GRID

    opened = _post(client, f"/dashboard/areas/{community.id}/staff", "/dashboard/areas", name="张三",
                   username="sunshine_head").get_data(as_text=True)
    head = _db.session.scalar(select(User).where(User.username == "sunshine_head"))
    assert head.role is Role.COMMUNITY_HEAD and [a.id for a in head.areas] == [community.id]
    password = opened.split('data-testid="appointed-password">')[1].split("<")[0]
    assert password not in client.get("/dashboard/areas").get_data(as_text=True)
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "appoint_staff")).object_id == head.id
    client.post("/logout", data={"csrf_token": csrf_token_of(client.get("/dashboard/areas").get_data(as_text=True))})
    assert sign_in(client, "sunshine_head", password).status_code == 302


def test_a_duplicate_or_empty_name_is_shown_beside_the_field_and_nothing_is_kept(client, field):
    sign_in(client, "street_admin")
    before = _db.session.scalar(select(func.count(Area.id)))
    duplicate = _post(client, f"/dashboard/areas/{field.street.id}/children", "/dashboard/areas", name="金桥社区")
    assert "已有名为“金桥社区”的社区" in duplicate.get_data(as_text=True)
    empty = _post(client, f"/dashboard/areas/{field.street.id}/children", "/dashboard/areas", name=" ")
    assert "请输入名称" in empty.get_data(as_text=True) or "名称不能为空" in empty.get_data(as_text=True)
    assert _db.session.scalar(select(func.count(Area.id))) == before


def test_a_head_adds_grids_in_their_community_but_nothing_above_it_and_opens_no_accounts(client, field):
    sign_in(client, "head_a")
    _post(client, f"/dashboard/areas/{field.community_a.id}/children", "/dashboard/areas", name="第三网格")
    assert _db.session.scalar(select(Area).where(Area.name == "第三网格")).parent_id == field.community_a.id
    above = _post(client, f"/dashboard/areas/{field.street.id}/children", "/dashboard/areas", name="阳光社区")
    assert above.status_code == 404
    other = _post(client, f"/dashboard/areas/{field.community_b.id}/children", "/dashboard/areas", name="第九网格")
    assert other.status_code == 404
    appoint = _post(client, f"/dashboard/areas/{field.community_a.id}/staff", "/dashboard/areas", name="张三")
    assert appoint.status_code == 403
    assert _db.session.scalar(select(func.count(User.id)).where(User.name == "张三")) == 0


def test_a_street_admin_cannot_open_a_street_admins_account_but_a_district_admin_can(client, field):
    from tests.factories import make_user

    make_user(Role.DISTRICT_ADMIN, [field.district], username="district_admin")
    sign_in(client, "street_admin")
    assert _post(client, f"/dashboard/areas/{field.street.id}/staff", "/dashboard/areas",
                 name="王五").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token_of(client.get("/dashboard/areas").get_data(as_text=True))})
    sign_in(client, "district_admin")
    opened = _post(client, f"/dashboard/areas/{field.street.id}/staff", "/dashboard/areas", name="王五")
    assert "街道管理员" in opened.get_data(as_text=True) or "appointed-password" in opened.get_data(as_text=True)
    assert _db.session.scalar(select(User).where(User.name == "王五")).role is Role.STREET_ADMIN


def test_a_username_already_taken_is_said_beside_the_username_and_no_account_is_opened(client, field):
    sign_in(client, "street_admin")
    answer = _post(client, f"/dashboard/areas/{field.community_a.id}/staff", "/dashboard/areas", name="张三",
                   username="head_a").get_data(as_text=True)
    beside = answer.split(f'id="staff-username-{field.community_a.id}"')[1].split("</label>")[1]
    assert "用户名 head_a 已被使用" in beside.split("<label>")[0]
    assert _db.session.scalar(select(func.count(User.id)).where(User.name == "张三")) == 0
