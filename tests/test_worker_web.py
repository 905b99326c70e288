"""The worker's web pages: invite-code sign-in that lasts the campaign, revocable; the phone's copy of the walk list."""
import re

from sqlalchemy import select

from models import InviteCode
from server.extensions import db as _db
from server.services.access.accounts import deactivate_user, issue_invite_code
from tests.staff import invite_sign_in, sign_in


def test_a_worker_signs_in_with_an_invite_code_and_it_works_once(client, app, field):
    worker = field.users["worker_a1"]
    code = issue_invite_code(worker)
    _db.session.commit()
    response = invite_sign_in(client, code.lower())
    assert response.status_code == 302 and response.headers["Location"] == "/w/"
    assert "remember_token" in response.headers.get("Set-Cookie", "") or client.get_cookie("remember_token")
    home = client.get("/w/").get_data(as_text=True)
    assert "王网格" in home and "待走访" in home and field.households_a1[0].label in home
    assert _db.session.scalar(select(InviteCode.id).where(InviteCode.used_at.is_not(None))) is not None
    other = app.test_client()
    again = invite_sign_in(other, code)
    assert again.status_code == 400 and "邀请码无效" in again.get_data(as_text=True)


def test_a_deactivated_worker_is_signed_out_at_once(client, app, field):
    worker = field.users["worker_a1"]
    invite_sign_in(client, issue_invite_code(worker))
    assert client.get("/w/").status_code == 200
    deactivate_user(worker)
    _db.session.commit()
    response = client.get("/w/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/w/login")


def test_the_phones_copy_holds_the_workers_doors_only_with_an_api_token(client, app, field):
    invite_sign_in(client, issue_invite_code(field.users["worker_a1"]))
    data = client.get("/w/app.json").get_json()
    assert {h["id"] for h in data["households"]} == {h.id for h in field.households_a1}
    assert data["campaign"]["materials"][0] == {"code": "notice", "name": "告知书"}
    me = client.get("/api/mp/v1/me", headers={"Authorization": f"Bearer {data['token']}"}).get_json()
    assert me["name"] == "王网格"


def test_a_worker_scanning_a_door_gets_the_visit_form_and_can_search_doors_without_a_label(client, field):
    invite_sign_in(client, issue_invite_code(field.users["worker_a1"]))
    household = field.households_a1[3]
    response = client.get(f"/q/{household.token}")
    assert response.headers["Location"] == f"/w/visit?household={household.id}"
    assert 'data-page="visit"' in client.get(response.headers["Location"]).get_data(as_text=True)
    found = client.get(f"/w/search?building=1栋&room={household.room}").get_data(as_text=True)
    assert household.label in found
    everywhere = client.get("/w/search?building=1栋").get_data(as_text=True)
    assert f"household={field.households_b1[0].id}\"" not in everywhere, "another grid's door is not found"


def test_heads_use_the_dashboard_not_the_worker_pages(client, field):
    sign_in(client, "head_a")
    assert client.get("/w/").status_code == 403


def test_a_head_invite_code_cannot_open_the_worker_pages(client, field):
    from server.services.access.accounts import issue_invite_code as issue

    code = issue(field.users["head_a"])
    _db.session.commit()
    response = invite_sign_in(client, code)
    assert response.status_code == 400 and "不是网格员" in response.get_data(as_text=True)


def test_the_service_worker_may_serve_the_whole_site(client):
    response = client.get("/w/sw.js")
    assert response.headers["Service-Worker-Allowed"] == "/" and response.mimetype == "text/javascript"
    assert re.search(r'"/w/visit"', response.get_data(as_text=True))
