"""The web answers safely: security headers, secure cookies, throttled door codes and rate limits shared via Redis,
and no form that sends its user onwards sends them off the site."""
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from models import Feedback
from server.extensions import db as _db
from server.security_headers import content_security_policy
from tests.conftest import csrf_token_of
from tests.resident import leave, sign
from tests.staff import PASSWORD


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/api/mp/v1/ping", "/api/mp/v1/docs", "/no-such-page",
                                  "/w/login"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline'" not in \
        policy.split("script-src")[1].split(";")[0]


def test_the_policy_admits_images_from_the_configured_map_tile_server_only():
    policy = content_security_policy("https://tiles.example.gov.cn/{z}/{x}/{y}.png")
    assert "img-src 'self' data: blob: https://tiles.example.gov.cn;" in policy
    assert "img-src 'self' data: blob:;" in content_security_policy("")


def test_no_page_template_holds_inline_script_or_event_handlers():
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "server" / "web" / "templates"
    for template in templates.rglob("*.html"):
        html = template.read_text()
        assert not re.search(r"\son[a-z]+=", html), f"{template.name} has an inline event handler"
        for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            assert "src=" in script[0] or 'type="application/json"' in script[0], \
                f"{template.name} has an inline script"


def test_session_cookies_are_secure_httponly_and_samesite_in_production(database, tmp_path, monkeypatch):
    from cryptography.fernet import Fernet

    from server.app import create_app

    monkeypatch.setenv("QIAOMEN_ENV", "production")
    app = create_app({ "SECRET_KEY": "s" * 48, "SQLALCHEMY_DATABASE_URI": database.url,
                      "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(), "UPLOAD_DIR": str(tmp_path),
                      "RATELIMIT_ENABLED": False})
    cookie = app.test_client().get("/login").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_opening_one_door_code_over_and_over_is_throttled_with_a_chinese_429(client, field):
    token = field.households_a1[0].token
    answers = [client.get(f"/q/{token}").status_code for _ in range(31)]
    assert answers[:30] == [200] * 30 and answers[30] == 429
    assert "操作太频繁，请稍后再试" in client.get(f"/q/{token}").get_data(as_text=True)


@pytest.mark.parametrize("route, limit", [("", 30), ("/pledge", 10), ("/feedback", 10)])
def test_one_address_hammering_a_door_shuts_it_for_itself_and_not_for_the_household(client, field, route, limit):
    token = field.households_a1[0].token
    stranger, household = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.20"}
    if route:
        form = {"csrf_token": csrf_token_of(client.get(f"/q/{token}", environ_base=stranger).get_data(as_text=True))}
        answers = [client.post(f"/q/{token}{route}", data=form, environ_base=stranger).status_code
                   for _ in range(limit + 1)]
    else:
        answers = [client.get(f"/q/{token}", environ_base=stranger).status_code for _ in range(limit + 1)]
    assert answers[-1] == 429 and 429 not in answers[:limit]
    client.environ_base.update(household)
    assert client.get(f"/q/{token}").status_code == 200
    if route == "/pledge":
        assert sign(client, token).status_code == 200
    elif route == "/feedback":
        assert leave(client, token).status_code == 303


def test_guessing_pledge_codes_is_throttled_per_address(client, field):
    answers = [client.get(f"/pledges/ABCD{n:04d}").status_code for n in range(61)]
    assert set(answers[:60]) == {404} and answers[60] == 429


def test_rate_limits_use_redis_when_redis_url_is_set_and_memory_otherwise():
    from server.config import load_config

    assert load_config({"REDIS_URL": "redis://127.0.0.1:6379/3"})["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert load_config({})["RATELIMIT_STORAGE_URI"] == "memory://"
    assert load_config({"REDIS_URL": "redis://a/1", "RATELIMIT_STORAGE_URI": "redis://b/2"})[
        "RATELIMIT_STORAGE_URI"] == "redis://b/2"


#: Targets a browser would follow off the site, spelled the ways filters miss.
OFF_SITE = ["https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com", "\\\\evil.example.com",
            "https:evil.example.com", "http:/evil.example.com", "/\t/evil.example.com", "/\n/evil.example.com",
            " //evil.example.com", "javascript:alert(1)", "/\\/evil.example.com", "//\\evil.example.com",
            "evil.example.com"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_no_form_sends_its_user_off_the_site_whatever_next_it_carries(client, field, target):
    leave(client, field.households_a1[0].token)
    feedback_id = _db.session.scalar(select(Feedback.id))
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    signed_in = client.post("/login?" + urlencode({"next": target}),
                            data={"username": "head_a", "password": PASSWORD, "csrf_token": token})
    assert signed_in.headers["Location"] == "/dashboard/"
    token = csrf_token_of(client.get("/dashboard/feedback").get_data(as_text=True))
    for action in ("reply", "close"):
        answered = client.post(f"/dashboard/feedback/{feedback_id}/{action}",
                               data={"csrf_token": token, "reply": "已安排处理", "next": target})
        assert answered.headers["Location"] == "/dashboard/feedback", action


def test_a_form_returns_its_user_to_the_page_of_this_site_it_came_from(client, field):
    leave(client, field.households_a1[0].token)
    feedback_id = _db.session.scalar(select(Feedback.id))
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    signed_in = client.post("/login?next=/dashboard/map", data={"username": "head_a", "password": PASSWORD,
                                                                "csrf_token": token})
    assert signed_in.headers["Location"] == "/dashboard/map"
    page = client.get("/dashboard/feedback?status=open").get_data(as_text=True)
    assert 'name="next" value="/dashboard/feedback?status=open"' in page
    answered = client.post(f"/dashboard/feedback/{feedback_id}/close",
                           data={"csrf_token": csrf_token_of(page), "next": "/dashboard/feedback?status=open"})
    assert answered.headers["Location"] == "/dashboard/feedback?status=open"


def test_every_redirect_to_a_target_the_request_names_goes_through_the_one_safe_next_helper():
    web = Path(__file__).resolve().parents[1] / "server" / "web"
    redirects = [(path.name, line.strip()) for path in web.rglob("*.py") for line in path.read_text().splitlines()
                 if re.search(r"\bredirect\(", line) and "def " not in line and "import" not in line]
    assert redirects, "the views redirect somewhere"
    unguarded = [r for r in redirects if not re.search(r"\bredirect\((url_for|safe_next|_home_of)\(", r[1])]
    assert unguarded == []
    with_next = {path.name for path in web.rglob("*.html") if 'name="next"' in path.read_text()}
    assert with_next == {"feedback.html"}, "a new form with a next field belongs in the tests above"
