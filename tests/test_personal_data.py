"""Residents' personal data: classified in one place, encrypted at rest, searchable by blind index, unmasked only
for a reason that is logged."""
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from models import AuditEvent, Base, Household, Visit
from models.personal import NOT_PERSONAL, PERSONAL
from server.extensions import db as _db
from server.services.access.accounts import issue_invite_code
from tests.conftest import csrf_token_of
from tests.field import bearer, visit_payload
from tests.staff import invite_sign_in, sign_in

API = "/api/mp/v1"
LOOKS_PERSONAL = re.compile(r"name|phone|mobile|openid|unionid|lat$|lng$|accuracy|signature|photo|signer|contact_|"
                            r"address|id_card|^ip$|note|text$")
PHONE = "13987654321"
LAT, LNG = 29.5316713, 108.7712947


def test_every_column_whose_name_suggests_personal_data_is_classified():
    columns = {f"{table.name}.{column.name}" for table in Base.metadata.tables.values() for column in table.columns}
    unclassified = sorted(c for c in columns if LOOKS_PERSONAL.search(c.split(".")[1])
                          and c not in PERSONAL and c not in NOT_PERSONAL)
    assert unclassified == [], f"mark these in models/personal.py: {unclassified}"
    assert set(PERSONAL) | set(NOT_PERSONAL) <= columns, "the classification names only real columns"


def _store_phone_and_gps(client, app, field) -> Household:
    household = field.households_a1[0]
    household.head_phone = PHONE
    _db.session.commit()
    response = client.post(f"{API}/visits", headers=bearer(app, field.users["worker_a1"]), json=visit_payload(
        field.campaign, household, outcome="not_home", location={"lat": LAT, "lng": LNG, "accuracy_m": 10}))
    assert response.status_code == 201
    return household


def _raw_database_bytes(database) -> bytes:
    if database.backend == "sqlite":
        path = Path(database.url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    url = database.url.replace("postgresql+psycopg://", "postgresql://", 1)
    return subprocess.run(["pg_dump", "--data-only", url], check=True, capture_output=True, timeout=120).stdout


def test_phone_numbers_and_visit_gps_are_not_in_the_database_file_nor_its_dump(client, app, database, field):
    household = _store_phone_and_gps(client, app, field)
    _db.session.expire_all()
    visit = _db.session.scalar(select(Visit).where(Visit.household_id == household.id))
    assert (_db.session.get(Household, household.id).head_phone, visit.lat, visit.lng) == (PHONE, LAT, LNG), \
        "the application reads them back in clear"

    raw = _raw_database_bytes(database)
    assert b"13812345678" in raw or b"\xe5\xbc\xa0\xe4\xb8\x89" in raw, "the check reads the real data"
    for secret in (PHONE, "13812345678", str(LAT), str(LNG), "29.53167", "108.77129"):
        assert secret.encode() not in raw, f"{secret} is stored in clear"


def test_a_worker_finds_a_household_by_the_heads_whole_phone_number_written_any_way(client, app, field):
    household = _store_phone_and_gps(client, app, field)
    other_grid = field.households_b1[0]
    other_grid.head_phone = PHONE
    invite_sign_in(client, issue_invite_code(field.users["worker_a1"]))
    for written in (PHONE, "139-8765-4321", " 139 8765 4321 "):
        found = _search_by_phone(client, written).get_data(as_text=True)
        assert f"household={household.id}\"" in found
        assert f"household={other_grid.id}\"" not in found, "only the worker's own grids are searched"
    assert "没有找到" in _search_by_phone(client, "1398765").get_data(as_text=True)


def _search_by_phone(client, phone):
    token = csrf_token_of(client.get("/w/search").get_data(as_text=True))
    return client.post("/w/search", data={"phone": phone, "csrf_token": token})


def test_the_search_by_phone_is_a_post_and_a_number_in_the_address_is_never_read(client, field):
    household = field.households_a1[2]
    household.head_phone = "023-68881234"  # a number that may stand in an address here: not a mobile one
    _db.session.commit()
    invite_sign_in(client, issue_invite_code(field.users["worker_a1"]))
    page = client.get("/w/search").get_data(as_text=True)
    phone_form = re.search(r'<form[^>]*>(?:(?!</form>).)*name="phone".*?</form>', page, re.S).group(0)
    assert 'method="post"' in phone_form and 'name="csrf_token"' in phone_form
    asked_in_address = client.get("/w/search", query_string={"phone": "023-68881234"}).get_data(as_text=True)
    assert f"household={household.id}\"" not in asked_in_address
    found = _search_by_phone(client, "023-68881234")
    assert found.status_code == 200 and f"household={household.id}\"" in found.get_data(as_text=True)
    assert "68881234" not in found.get_data(as_text=True), "the number typed is not written back into the page"
    assert client.post("/w/search", data={"phone": "023-68881234"}).status_code == 400, "without the CSRF token"


def test_a_head_sees_a_full_phone_number_only_by_giving_a_reason_and_it_is_logged(client, app, field):
    household = _store_phone_and_gps(client, app, field)
    sign_in(client, "head_a")
    page = client.get(f"/dashboard/households/{household.id}").get_data(as_text=True)
    assert "139****4321" in page and PHONE not in page

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = f"/dashboard/households/{household.id}/phone"
    refused = client.post(url, data={"csrf_token": token, "reason": " "}, follow_redirects=True)
    assert PHONE not in refused.get_data(as_text=True) and "请填写查看完整号码的事由" in refused.get_data(as_text=True)
    assert not _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unmask_phone")).all()

    shown = client.post(url, data={"csrf_token": token, "reason": "回复住户关于垃圾桶的意见"})
    assert shown.status_code == 200 and PHONE in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store"
    event = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unmask_phone")).one()
    assert (event.user_id, event.object_id, event.ip) == (field.users["head_a"].id, household.id, "127.0.0.1")
    assert "回复住户关于垃圾桶的意见" in event.detail


def test_no_one_outside_the_community_nor_below_a_head_can_unmask(client, app, field):
    household = _store_phone_and_gps(client, app, field)
    sign_in(client, "head_b")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/dashboard/").get_data(as_text=True)).group(1)
    outside = client.post(f"/dashboard/households/{household.id}/phone", data={"csrf_token": token,
                                                                             "reason": "核对住户信息"})
    assert outside.status_code == 404 and PHONE not in outside.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token})

    invite_sign_in(client, issue_invite_code(field.users["worker_a1"]))
    worker = client.post(f"/dashboard/households/{household.id}/phone", data={"reason": "核对住户信息"})
    assert worker.status_code in (400, 403) and PHONE not in worker.get_data(as_text=True)
    assert not _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unmask_phone")).all()


def test_a_mobile_number_typed_into_free_text_is_stored_masked():
    from server.services.privacy.masking import mask_phones_in

    assert mask_phones_in("请回电13812345678，或 139-8765-4321、137 0000 1111") == \
        "请回电138****5678，或 139****4321、137****1111"
    assert mask_phones_in("3栋2单元501，门牌号 0571-88886666，订单 2138123456789") == \
        "3栋2单元501，门牌号 0571-88886666，订单 2138123456789"


@pytest.mark.parametrize("name, shown", [("张三丰", "张**"), ("欧阳娜娜", "欧***"), ("李", "*"), ("", "")])
def test_a_name_is_masked_to_its_first_character_and_a_one_character_name_entirely(name, shown):
    from server.services.privacy.masking import mask_name

    assert mask_name(name) == shown
