"""Staff log in with a password and a session cookie; CSRF-protected, locked after repeated failures."""
import datetime as dt

from sqlalchemy import select

from models import Role, User
from server.extensions import db as _db
from tests.factories import make_tree, make_user

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


def test_five_failures_lock_the_account_even_against_the_right_password(app, login):
    head()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert login("zhangsan", "wrong-password").status_code == 401
    locked = login("zhangsan", "wrong-password")
    assert locked.status_code == 429 and "账号已锁定" in locked.get_data(as_text=True)
    assert login("zhangsan", PASSWORD).status_code == 429


def test_the_lock_lifts_after_the_lockout_period(login):
    user = head()
    user.locked_until = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    _db.session.commit()
    assert login("zhangsan", PASSWORD).status_code == 302


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
