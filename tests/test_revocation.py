"""Revocation that revokes: logging out ends the sign-in on the server, re-inviting a worker signs out every device
and voids older codes, a head can sign a worker out everywhere, and a session is bound to the real client."""
import pytest
from sqlalchemy import select

from models import InviteCode, LoginSession, utcnow
from server.extensions import db as _db
from server.services.access.accounts import issue_invite_code
from tests.conftest import csrf_token_of
from tests.field import bearer
from tests.staff import invite_sign_in, sign_in

API = "/api/mp/v1"


def copy_of(app, client, names=("session", "remember_token")):
    """Another browser holding a copy of ``client``'s cookies, as someone who copied them would."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def post_form(client, page, action):
    token = csrf_token_of(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token})


def worker_signed_in(app, client, worker):
    invite_sign_in(client, issue_invite_code(worker))
    return client.get("/w/app.json").get_json()["token"]


def me(client, token):
    return client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_copy_of_a_heads_session_cookie_stops_working_when_she_logs_out(app, client, field):
    sign_in(client, "head_a")
    thief = copy_of(app, client)
    assert thief.get("/dashboard/").status_code == 200
    post_form(client, "/dashboard/", "/logout")
    assert thief.get("/dashboard/").status_code == 302
    assert client.get("/dashboard/").status_code == 302


def test_logging_out_of_one_browser_leaves_the_heads_other_browsers_signed_in(app, client, field):
    sign_in(client, "head_a")
    phone = app.test_client()
    sign_in(phone, "head_a")
    post_form(client, "/dashboard/", "/logout")
    assert phone.get("/dashboard/").status_code == 200


def test_a_worker_logging_out_ends_the_remember_cookie_and_the_api_token_the_page_was_given(app, client, field):
    worker = field.users["worker_a1"]
    token = worker_signed_in(app, client, worker)
    remembered = copy_of(app, client, names=("remember_token",))
    assert remembered.get("/w/").status_code == 200 and me(client, token) == 200
    post_form(client, "/w/", "/w/logout")
    assert remembered.get("/w/").status_code == 302
    assert copy_of(app, client).get("/w/").status_code == 302
    assert me(client, token) == 401


def test_the_api_logout_ends_that_token_and_no_other(app, client, field):
    worker = field.users["worker_a1"]
    first, second = bearer(app, worker), bearer(app, worker)
    assert client.post(f"{API}/auth/logout", headers=first).status_code == 204
    assert client.get(f"{API}/me", headers=first).status_code == 401
    assert client.get(f"{API}/me", headers=second).status_code == 200
    assert client.post(f"{API}/auth/logout", headers=first).status_code == 401


def test_a_token_without_its_sign_in_is_refused(app, client, field):
    import datetime as dt

    from server.services.access.tokens import issue_token

    with pytest.raises(ValueError):
        issue_token(app.config["SECRET_KEY"], dt.timedelta(hours=1), user=field.users["worker_a1"])
    forged = issue_token(app.config["SECRET_KEY"], dt.timedelta(hours=1), user=field.users["worker_a1"],
                         session_id="no-such-sign-in")
    assert me(client, forged) == 401


def test_reinviting_a_worker_signs_out_every_device_and_voids_every_earlier_unused_code(app, client, field):
    worker = field.users["worker_a1"]
    page_token = worker_signed_in(app, client, worker)
    mini_program = bearer(app, worker)
    earlier = issue_invite_code(worker)
    _db.session.commit()
    head = app.test_client()
    sign_in(head, "head_a")
    answer = post_form(head, f"/dashboard/team?area={field.community_a.id}",
                       f"/dashboard/team/{worker.id}/invite?area={field.community_a.id}")
    new_code = answer.get_data(as_text=True).split('data-testid="invite-code">')[1].split("<")[0]
    assert client.get("/w/").status_code == 302
    assert me(client, page_token) == 401 and client.get(f"{API}/me", headers=mini_program).status_code == 401
    assert invite_sign_in(app.test_client(), earlier).status_code == 400
    assert invite_sign_in(app.test_client(), new_code).status_code == 302


@pytest.mark.parametrize("action", ["invite", "sign-out"])
def test_a_lost_phones_mini_program_cannot_sign_back_in_after_a_reinvite_or_a_sign_out(app, client, field, action):
    worker = field.users["worker_a1"]
    login = client.post(f"{API}/auth/login", json={"code": "the-lost-phone"}).get_json()
    bind = client.post(f"{API}/auth/bind", json={"invite_code": issue_invite_code(worker)},
                       headers={"Authorization": f"Bearer {login['token']}"})
    assert bind.status_code == 200
    head = app.test_client()
    sign_in(head, "head_a")
    post_form(head, f"/dashboard/team?area={field.community_a.id}",
              f"/dashboard/team/{worker.id}/{action}?area={field.community_a.id}")
    again = client.post(f"{API}/auth/login", json={"code": "the-lost-phone"}).get_json()
    assert again["bound"] is False and again["user"] is None, "the old phone must bind again with a new code"


def test_a_head_signs_a_worker_out_everywhere(app, client, field):
    worker = field.users["worker_a1"]
    page_token = worker_signed_in(app, client, worker)
    mini_program = bearer(app, worker)
    head = app.test_client()
    sign_in(head, "head_a")
    answer = post_form(head, f"/dashboard/team?area={field.community_a.id}",
                       f"/dashboard/team/{worker.id}/sign-out?area={field.community_a.id}")
    assert answer.status_code == 302
    assert client.get("/w/").status_code == 302
    assert me(client, page_token) == 401 and client.get(f"{API}/me", headers=mini_program).status_code == 401
    assert _db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == worker.id,
                                                            LoginSession.revoked_at.is_(None))) is None


def test_a_copied_cookie_used_from_another_address_is_refused_whatever_x_forwarded_for_it_claims(app, client, field):
    victim = app.test_client()
    victim.environ_base.update(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9")
    sign_in(victim, "head_a")
    assert victim.get("/dashboard/").status_code == 200
    thief = copy_of(app, victim)
    thief.environ_base.update(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert thief.get("/dashboard/").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_what_a_session_is_bound_to(database, tmp_path, field):
    from server.app import create_app
    from tests.conftest import IsolatedClient, _test_config

    proxied = create_app({**_test_config(database.url, tmp_path / "uploads"), "TRUSTED_PROXIES": 1})
    proxied.test_client_class = IsolatedClient
    victim = proxied.test_client()
    victim.environ_base.update(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9")
    _db.session.commit()
    sign_in(victim, "head_a")
    assert victim.get("/dashboard/").status_code == 200
    elsewhere = copy_of(proxied, victim)
    elsewhere.environ_base.update(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert elsewhere.get("/dashboard/").status_code == 302


def test_signing_in_starts_a_fresh_session_with_a_new_csrf_token(app, client, field):
    before = csrf_token_of(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    client.post("/login", data={"username": "head_a", "password": "correct-horse-9", "csrf_token": before})
    with client.session_transaction() as session:
        assert "planted" not in session
    after = csrf_token_of(client.get("/dashboard/team").get_data(as_text=True))
    assert after != before
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def test_codes_left_unused_when_a_worker_is_reinvited_are_expired_and_kept_for_the_record(app, client, field):
    worker = field.users["worker_a1"]
    issue_invite_code(worker)
    _db.session.commit()
    head = app.test_client()
    sign_in(head, "head_a")
    post_form(head, f"/dashboard/team?area={field.community_a.id}",
              f"/dashboard/team/{worker.id}/invite?area={field.community_a.id}")
    codes = _db.session.scalars(select(InviteCode).where(InviteCode.user_id == worker.id)).all()
    assert len(codes) == 3 and sum(code.expires_at > utcnow() for code in codes) == 1
