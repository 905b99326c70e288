"""Staff log in with a password and a session cookie; CSRF-protected, locked per account and address after repeated
failures, and limited per address across accounts."""
import datetime as dt

from sqlalchemy import select

from models import LoginLock, Role, User
from server.extensions import db as _db
from tests.factories import make_tree, make_user
from tests.staff import sign_in

PASSWORD = "correct-horse-9"


def head(username="zhangsan"):
    _, _, community, _ = make_tree()
    user = make_user(Role.COMMUNITY_HEAD, [community], name="张三", username=username, password=PASSWORD)
    _db.session.commit()
    return user


def test_a_head_with_the_right_password_is_logged_in_and_sent_to_the_staff_page(client, login):
    head()
    response = login("zhangsan", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"
    page = client.get("/staff/").get_data(as_text=True)
    assert "您好，张三" in page and "金桥社区" in page
    assert _db.session.scalar(select(User.last_login_at)) is not None


def test_a_wrong_password_is_refused_with_a_chinese_message(client, login):
    head()
    response = login("zhangsan", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(login):
    head()
    response = login("nobody", PASSWORD)
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)


def test_five_failures_from_one_address_lock_it_out_of_the_account_even_against_the_right_password(app, login):
    head()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert login("zhangsan", "wrong-password").status_code == 401
    locked = login("zhangsan", "wrong-password")
    assert locked.status_code == 429 and "已暂时锁定" in locked.get_data(as_text=True)
    assert login("zhangsan", PASSWORD).status_code == 429


def test_the_lock_lifts_after_the_lockout_period(app, login):
    user = head()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login("zhangsan", "wrong-password")
    lock = _db.session.scalar(select(LoginLock).where(LoginLock.user_id == user.id))
    lock.locked_until = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    _db.session.commit()
    assert login("zhangsan", PASSWORD).status_code == 302
    assert _db.session.scalar(select(LoginLock)) is None, "a login from the address forgets its failures"


def from_address(client, address):
    """A browser of its own at ``address`` (a fresh client of the same kind as ``client``)."""
    browser = client.application.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def test_a_guesser_locks_out_only_their_own_address_and_the_head_still_logs_in_from_hers(client):
    head()
    guesser, office = from_address(client, "203.0.113.7"), from_address(client, "198.51.100.20")
    answers = [sign_in(guesser, "zhangsan", f"guess-{n}").status_code for n in range(12)]
    assert 401 in answers and answers[-1] == 429, "the guesser's address is locked"
    assert sign_in(guesser, "zhangsan", PASSWORD).status_code == 429, "even the right password, from there"
    signed_in = sign_in(office, "zhangsan", PASSWORD)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/dashboard/"
    assert office.get("/staff/").status_code == 200


def test_trying_name_after_name_from_one_address_is_stopped_and_other_addresses_are_not(client):
    _, _, community, _ = make_tree()
    for n in range(25):
        make_user(Role.COMMUNITY_HEAD, [community], name="张三", username=f"head{n}", password=PASSWORD)
    _db.session.commit()
    office = "198.51.100.20"
    assert [sign_in(from_address(client, office), f"head{n}").status_code for n in range(25)] == [302] * 25, \
        "good logins from one address (a street office) do not count"
    sprayer = from_address(client, "203.0.113.7")
    answers = [sign_in(sprayer, f"head{n}", "qiaomen2026").status_code for n in range(25)]
    assert answers[:20] == [401] * 20 and set(answers[20:]) == {429}
    assert sign_in(sprayer, "head24", PASSWORD).status_code == 429, "the sprayer's address is stopped for every account"
    assert sign_in(from_address(client, office), "head24", PASSWORD).status_code == 302


def test_a_guesser_spread_over_one_ipv6_network_counts_as_one_address(client):
    head()
    answers = [sign_in(from_address(client, f"2001:db8:5:7::{n:x}"), "zhangsan", f"guess-{n}").status_code
               for n in range(8)]
    assert answers[-1] == 429, "every address of one /64 adds to the same lock"
    assert sign_in(from_address(client, "2001:db8:5:8::1"), "zhangsan", PASSWORD).status_code == 302


def test_failures_further_apart_than_the_lockout_period_never_add_up_to_a_lock(app, login):
    user = head()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        login("zhangsan", "wrong-password")
    lock = _db.session.scalar(select(LoginLock).where(LoginLock.user_id == user.id))
    lock.last_failed_at -= dt.timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"] + 1)
    _db.session.commit()
    assert login("zhangsan", "wrong-password").status_code == 401, "old failures have expired: no lock"
    assert login("zhangsan", PASSWORD).status_code == 302


def test_expired_failures_do_not_keep_an_address_on_record(app, client):
    head()
    head("lisi")
    sign_in(from_address(client, "203.0.113.9"), "zhangsan", "wrong-password")
    _db.session.execute(LoginLock.__table__.update().values(
        last_failed_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)))
    _db.session.commit()
    sign_in(from_address(client, "198.51.100.4"), "lisi", "wrong-password")
    assert _db.session.scalars(select(LoginLock.address)).all() == ["198.51.100.4"]


def test_a_login_post_without_a_csrf_token_is_refused(client):
    head()
    response = client.post("/login", data={"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_a_field_worker_cannot_log_in_with_a_password(login):
    *_, grids = make_tree()
    make_user(Role.GRID_WORKER, [grids[0]], username="worker")
    _db.session.commit()
    assert login("worker", "").status_code == 400
    assert login("worker", "anything-at-all").status_code == 401


def test_login_returns_only_to_a_path_on_this_site(client):
    head()
    from tests.conftest import csrf_token_of

    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=https://evil.example.com/", data={
        "username": "zhangsan", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/dashboard/"


def test_logout_ends_the_session(client, login):
    head()
    login("zhangsan", PASSWORD)
    from tests.conftest import csrf_token_of

    token = csrf_token_of(client.get("/staff/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_a_deactivated_account_is_logged_out_on_its_next_request(client, login):
    user = head()
    login("zhangsan", PASSWORD)
    user.active = False
    _db.session.commit()
    assert client.get("/staff/").status_code == 302
