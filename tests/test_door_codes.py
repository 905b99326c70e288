"""One door code per household: an opaque token, a URL that opens the right page, and rotation."""
import re

import pytest
from sqlalchemy import select

from models import AuditEvent, Household, Role
from server.extensions import db as _db
from server.services.access.accounts import issue_invite_code
from server.services.registry.door_codes import (RotationRefused, door_url, find_household_by_token, qr_png, qr_svg,
                                                 rotate_door_token)
from tests.conftest import csrf_token_of
from tests.factories import make_building, make_campaign, make_household, make_tree, make_user
from tests.qr import decode_image
from tests.staff import invite_sign_in

PASSWORD = "correct-horse-9"


@pytest.fixture
def door(db):
    district, street, community, grids = make_tree(grids=("第一网格", "第二网格"))
    make_campaign(district, name="秋季敲门行动")
    household = make_household(make_building(grids[0], "3栋"), unit="2", room="501", head_name="张三",
                               head_phone="13812345678")
    other = make_household(make_building(grids[1], "4栋"), unit="1", room="101")
    head = make_user(Role.COMMUNITY_HEAD, [community], username="head", password=PASSWORD)
    _, _, elsewhere, _ = make_tree(district="江北区", street="江北街道", community="别的社区")
    stranger = make_user(Role.COMMUNITY_HEAD, [elsewhere], username="stranger", password=PASSWORD)
    _db.session.commit()
    return {"household": household, "other": other, "head": head, "stranger": stranger, "community": community}


def test_every_household_gets_a_distinct_opaque_url_safe_token_of_96_bits(door):
    tokens = _db.session.scalars(select(Household.token)).all()
    assert len(set(tokens)) == len(tokens) == 2
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{16}", token)  # 16 × 6 bits = 96 random bits


def test_a_token_finds_its_household_by_one_indexed_lookup(door):
    household = door["household"]
    assert find_household_by_token(household.token) is household
    assert find_household_by_token("not a token at all") is None
    indexes = {tuple(ix["column_names"]) for ix in _db.inspect(_db.engine).get_unique_constraints("household")}
    assert ("token",) in indexes


def test_the_png_code_decodes_to_the_public_url_of_the_household(app, door):
    household = door["household"]
    url = door_url(app.config["PUBLIC_BASE_URL"], household)
    assert url == f"https://qiaomen.example.cn/q/{household.token}"
    assert decode_image(qr_png(url)) == [url]
    assert qr_svg(url).startswith(b"<?xml") and b"<path" in qr_svg(url)


def test_a_resident_sees_the_community_a_masked_address_the_campaign_and_the_notice(client, door):
    page = client.get(f"/q/{door['household'].token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "金桥社区" in html and "3栋2单元**1" in html
    assert "秋季敲门行动" in html and "告知书" in html and "厨余垃圾" in html
    for secret in ("张三", "13812345678", "3栋2单元501"):
        assert secret not in html


@pytest.mark.parametrize("token", ["AAAAAAAAAAAAAAAA", "short", "x" * 200, "bad.token!"])
def test_an_unknown_token_shows_a_friendly_page_that_reveals_nothing(client, door, token):
    page = client.get(f"/q/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "该二维码已失效，请联系社区" in html
    assert "金桥社区" not in html and "3栋" not in html


def test_a_rotated_token_is_dead_at_once_and_the_new_one_works(client, door):
    household = door["household"]
    old = household.token
    new = rotate_door_token(household, door["head"])
    _db.session.commit()
    assert new != old
    dead, alive = client.get(f"/q/{old}"), client.get(f"/q/{new}")
    assert dead.status_code == 404 and "该二维码已失效" in dead.get_data(as_text=True)
    assert alive.status_code == 200
    unknown = client.get("/q/AAAAAAAAAAAAAAAA")
    assert dead.get_data() == unknown.get_data(), "a rotated token looks exactly like one that never existed"


def test_a_signed_in_head_with_access_is_sent_to_the_staff_view_of_the_household(client, login, door):
    login("head", PASSWORD)
    page = client.get(f"/q/{door['household'].token}")
    assert page.status_code == 302
    assert page.headers["Location"] == f"/staff/households/{door['household'].id}"
    staff_view = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "3栋2单元501" in staff_view and "138****5678" in staff_view and "13812345678" not in staff_view


def test_staff_of_another_community_see_only_the_resident_view(client, login, door):
    login("stranger", PASSWORD)
    page = client.get(f"/q/{door['household'].token}")
    assert page.status_code == 200 and "3栋2单元**1" in page.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["", "/qr.png", "/qr.svg"])
def test_household_pages_and_codes_are_404_outside_the_callers_areas(client, login, door, suffix):
    login("stranger", PASSWORD)
    assert client.get(f"/staff/households/{door['household'].id}{suffix}").status_code == 404


def test_a_head_downloads_a_png_that_decodes_to_the_door_url(client, login, door, app):
    login("head", PASSWORD)
    response = client.get(f"/staff/households/{door['household'].id}/qr.png")
    assert response.mimetype == "image/png"
    assert decode_image(response.data) == [door_url(app.config["PUBLIC_BASE_URL"], door["household"])]


def test_a_head_rotates_a_damaged_label_from_the_household_page(client, login, door):
    login("head", PASSWORD)
    household_id, old = door["household"].id, door["household"].token
    token = csrf_token_of(client.get(f"/staff/households/{household_id}").get_data(as_text=True))
    response = client.post(f"/staff/households/{household_id}/rotate-token", data={"csrf_token": token},
                           follow_redirects=True)
    assert "旧门贴立即失效" in response.get_data(as_text=True)
    assert client.get(f"/q/{old}").status_code == 404
    assert _db.session.get(Household, household_id).token != old


def test_rotating_a_door_code_is_a_heads_action_written_to_the_audit_log(client, login, door):
    login("head", PASSWORD)
    household_id = door["household"].id
    token = csrf_token_of(client.get(f"/staff/households/{household_id}").get_data(as_text=True))
    client.post(f"/staff/households/{household_id}/rotate-token", data={"csrf_token": token})
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rotate_door_code"))
    assert (event.action, event.object_type, event.object_id) == ("rotate_door_code", "household", household_id)
    assert (event.user_id, event.ip) == (door["head"].id, "127.0.0.1")


@pytest.mark.parametrize("role", [Role.GRID_WORKER, Role.VOLUNTEER])
def test_grid_workers_and_volunteers_cannot_rotate_a_door_code(client, door, role):
    grid = door["household"].building.grid
    worker = make_user(role, [grid], username="worker")
    code = issue_invite_code(worker)
    _db.session.commit()
    invite_sign_in(client, code)
    household_id, old = door["household"].id, door["household"].token
    page = client.get(f"/staff/households/{household_id}").get_data(as_text=True)
    assert "rotate-token" not in page and "请联系社区负责人更换二维码" in page
    response = client.post(f"/staff/households/{household_id}/rotate-token", data={"csrf_token": csrf_token_of(page)})
    assert response.status_code == 403 and "只有社区负责人和管理员" in response.get_data(as_text=True)
    assert _db.session.get(Household, household_id).token == old
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rotate_door_code")) is None
    with pytest.raises(RotationRefused):
        rotate_door_token(_db.session.get(Household, household_id), worker)


def test_rotating_without_a_csrf_token_is_refused(client, login, door):
    login("head", PASSWORD)
    old = door["household"].token
    assert client.post(f"/staff/households/{door['household'].id}/rotate-token").status_code == 400
    assert _db.session.get(Household, door["household"].id).token == old


def test_the_wechat_domain_verification_file_is_served_only_when_configured(app, client, door):
    assert client.get("/MP_verify_abc123.txt").status_code == 404
    app.config.update(WECHAT_VERIFY_FILE="MP_verify_abc123.txt", WECHAT_VERIFY_CONTENT="abc123")
    response = client.get("/MP_verify_abc123.txt")
    assert response.status_code == 200 and response.get_data(as_text=True) == "abc123"
    assert client.get("/other.txt").status_code == 404


def test_imported_households_get_door_codes_that_open_their_page(runner, client, door, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("街道,社区,网格,楼栋,单元,楼层,户号,户主,电话,状态\n"
                    "城西街道,金桥社区,第一网格,7栋,1,,302,,,\n", encoding="utf-8")
    assert runner.invoke(args=["import-households", str(path), "--district", "清溪区"]).exit_code == 0
    imported = _db.session.scalar(select(Household).where(Household.label == "7栋1单元302"))
    page = client.get(f"/q/{imported.token}")
    assert page.status_code == 200 and "7栋1单元**2" in page.get_data(as_text=True)
