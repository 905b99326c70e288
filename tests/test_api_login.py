"""WeChat login errors become clear answers; login, bind and uploads are rate-limited; invites work once."""
import io

import pytest
import requests
from sqlalchemy import select

from models import User
from server.extensions import db as _db
from server.services.access.accounts import issue_invite_code
from tests.field import bearer, jpeg

API = "/api/mp/v1"


@pytest.mark.parametrize("code, status, words", [
    ("invalid-code", 400, "登录凭证无效"),
    ("frequent-now", 429, "太频繁"),
    ("busy-now", 502, "繁忙"),
])
def test_wechat_errors_become_clear_answers(client, wechat, code, status, words):
    response = client.post(f"{API}/auth/login", json={"code": code})
    assert response.status_code == status and words in response.get_json()["message"]


def test_a_code_used_twice_is_refused_the_second_time(client, wechat):
    assert client.post(f"{API}/auth/login", json={"code": "once"}).status_code == 200
    again = client.post(f"{API}/auth/login", json={"code": "once"})
    assert again.status_code == 400 and "已使用" in again.get_json()["message"]


def test_a_slow_wechat_is_a_502_not_a_hang(client, app, wechat):
    app.config["WECHAT_TIMEOUT"] = 0.3
    requests.post(f"{wechat.url}/_standin/delay", params={"seconds": 1}, timeout=5)
    response = client.post(f"{API}/auth/login", json={"code": "slow"})
    assert response.status_code == 502 and response.get_json()["code"] == 502


def test_an_invite_code_binds_once_and_not_after_it_expires(client, app, field):
    worker = field.users["worker_a1"]
    invite = issue_invite_code(worker)
    _db.session.commit()
    first = client.post(f"{API}/auth/login", json={"code": "phone-1"}).get_json()["token"]
    second = client.post(f"{API}/auth/login", json={"code": "phone-2"}).get_json()["token"]
    assert client.post(f"{API}/auth/bind", json={"invite_code": invite.lower()},
                       headers={"Authorization": f"Bearer {first}"}).status_code == 200
    reused = client.post(f"{API}/auth/bind", json={"invite_code": invite},
                         headers={"Authorization": f"Bearer {second}"})
    assert reused.status_code == 400 and "邀请码" in reused.get_json()["message"]
    expired = issue_invite_code(field.users["worker_b1"], ttl_hours=0)
    _db.session.commit()
    late = client.post(f"{API}/auth/bind", json={"invite_code": expired}, headers={"Authorization": f"Bearer {second}"})
    assert late.status_code == 400
    assert _db.session.scalar(select(User.wechat_openid).where(User.username == "worker_b1")) is None


def test_a_full_token_cannot_bind_again(client, app, field):
    response = client.post(f"{API}/auth/bind", json={"invite_code": "ABCDE-FGHJK"},
                           headers=bearer(app, field.users["worker_a1"]))
    assert response.status_code == 409


def test_login_is_rate_limited_per_address(client):
    statuses = [client.post(f"{API}/auth/login", json={"code": f"c{n}"}).status_code for n in range(25)]
    assert statuses[:20] == [200] * 20 and statuses[-1] == 429
    last = client.post(f"{API}/auth/login", json={"code": "more"})
    assert last.get_json()["message"] == "操作太频繁，请稍后再试" and "Retry-After" in last.headers


def test_bind_is_rate_limited(client):
    token = client.post(f"{API}/auth/login", json={"code": "c"}).get_json()["token"]
    statuses = [client.post(f"{API}/auth/bind", json={"invite_code": "XXXXX-XXXXX"},
                            headers={"Authorization": f"Bearer {token}"}).status_code for _ in range(12)]
    assert statuses[:10] == [400] * 10 and statuses[-1] == 429


def test_uploads_are_rate_limited_per_user(client, app, field):
    headers = bearer(app, field.users["worker_a1"])
    statuses = [client.post(f"{API}/files", headers=headers,
                            data={"kind": "photo", "file": (io.BytesIO(jpeg(32, 32)), "p.jpg")}).status_code
                for _ in range(62)]
    assert statuses[:60] == [201] * 60 and statuses[-1] == 429
    other = bearer(app, field.users["head_a"])
    assert client.post(f"{API}/files", headers=other,
                       data={"kind": "photo", "file": (io.BytesIO(jpeg(32, 32)), "p.jpg")}).status_code == 201


@pytest.mark.concurrency  # four gunicorn workers on one Redis
def test_rate_limits_in_redis_are_shared_by_every_gunicorn_worker(database, tmp_path):
    """Four gunicorn workers on one Redis count the same login attempts: the 21st in a minute is refused."""
    import uuid as _uuid

    import redis

    from tests.gunicorn import gunicorn

    prefix = f"qiaomen-test-{_uuid.uuid4().hex[:8]}"
    env = {"QIAOMEN_ENV": "development", "WECHAT_DEV_LOGIN": "1", "QIAOMEN_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": database.url, "UPLOAD_DIR": str(tmp_path),
           "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15", "RATELIMIT_KEY_PREFIX": prefix}
    try:
        with gunicorn(env, workers=4) as base:
            session = requests.Session()
            session.headers["Connection"] = "close"  # a new connection each time: the requests spread over workers
            statuses = [session.post(f"{base}{API}/auth/login", json={"code": f"r{n}"}, timeout=10).status_code
                        for n in range(21)]
        assert statuses[:20] == [200] * 20 and statuses[20] == 429, statuses
        assert redis.Redis(host="127.0.0.1", port=6379, db=15).keys(f"*{prefix}*")
    finally:
        client = redis.Redis(host="127.0.0.1", port=6379, db=15)
        for key in client.keys(f"*{prefix}*"):
            client.delete(key)
