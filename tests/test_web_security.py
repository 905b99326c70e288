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


HEADER_CALLERS = ("anonymous", "worker_a1", "head_a")


def _posted_answers(client, app, field, caller, headers) -> list:
    """The answers to forms and API writes that show personal data: they follow the same rules as the pages."""
    from tests.conftest import csrf_token_of
    from tests.field import visit_payload

    if caller == "worker_a1":
        token = csrf_token_of(client.get("/w/search").get_data(as_text=True))
        return [client.post("/w/search", data={"phone": "13611113333", "csrf_token": token}),
                client.post("/api/mp/v1/visits", headers=headers,
                            json=visit_payload(field.campaign, field.households_a1[1], outcome="not_home"))]
    if caller == "head_a":
        household = field.households_a1[0]
        page = client.get(f"/dashboard/households/{household.id}").get_data(as_text=True)
        return [client.post(f"/dashboard/households/{household.id}/phone",
                            data={"reason": "回复住户的意见", "csrf_token": csrf_token_of(page)})]
    from tests.resident import sign

    return [sign(client, field.households_a1[2].token)]


@pytest.mark.parametrize("caller", HEADER_CALLERS)
def test_no_answer_but_the_static_files_may_be_stored_by_a_browser_or_a_proxy(client, app, field, caller):
    from tests.crawl import become, crawl, seed

    values = seed(client, app, field).values
    headers = become(client, app, field, caller)
    answers = [(rule, response) for rule, response in crawl(client, values, field, headers)]
    answers += [(f"POST {r.request.path}", r) for r in _posted_answers(client, app, field, caller, headers)]
    assert sum(r.status_code == 200 for _, r in answers) >= 8
    for rule, response in answers:
        if rule == "/w/sw.js":
            assert response.headers["Cache-Control"] == "no-cache", "the service worker's script is revalidated"
        else:
            assert response.headers.get("Cache-Control") == "no-store", f"{caller}: {rule} may be stored"
    for asset in ("/static/app.css", "/assets/vendor/weui.min.css"):
        assert "no-store" not in client.get(asset).headers["Cache-Control"], f"{asset} keeps its caching"
    assert client.get("/assets/vendor/weui.min.css").headers["Cache-Control"] == "public, max-age=604800"


@pytest.mark.parametrize("caller", HEADER_CALLERS)
def test_camera_and_geolocation_are_allowed_to_the_worker_and_checker_pages_only_and_every_other_feature_to_none(
        client, app, field, caller):
    from tests.crawl import become, crawl, seed

    values = seed(client, app, field).values
    headers = become(client, app, field, caller)
    for rule, response in crawl(client, values, field, headers):
        policy = dict(item.split("=", 1) for item in response.headers["Permissions-Policy"].split(", "))
        worker_page = rule.startswith(("/w/", "/checks/"))
        assert policy.pop("camera") == policy.pop("geolocation") == ("(self)" if worker_page else "()"), rule
        assert set(policy.values()) == {"()"} and {"microphone", "payment", "usb"} <= set(policy), rule


def test_every_cookie_the_app_sets_or_clears_is_samesite(client, app, field):
    from server.services.access.accounts import issue_invite_code
    from tests.crawl import crawl, seed
    from tests.staff import invite_sign_in, sign_in

    values = seed(client, app, field).values  # the resident's door session
    answers = [invite_sign_in(client, issue_invite_code(field.users["worker_a1"]))]  # session and remember cookies
    answers += [response for _, response in crawl(client, values, field, {})]
    answers.append(client.post("/w/logout", data={"csrf_token": _csrf(client, "/w/")}))  # clears the remember cookie
    answers.append(sign_in(client, "head_a"))
    answers.append(client.get("/no-such-page"))
    answers.append(client.post("/logout", data={"csrf_token": _csrf(client, "/staff/")}))
    cookies = [cookie for response in answers for cookie in response.headers.getlist("Set-Cookie")]
    names = {cookie.split("=", 1)[0] for cookie in cookies}
    assert {"session", "remember_token"} <= names, names
    assert cookies and all("SameSite=Lax" in cookie for cookie in cookies), \
        [cookie for cookie in cookies if "SameSite" not in cookie]
    assert any(c.startswith("remember_token=;") for c in cookies), "the clearing of the remember cookie was seen"


def _csrf(client, path) -> str:
    from tests.conftest import csrf_token_of

    return csrf_token_of(client.get(path).get_data(as_text=True))


@pytest.fixture
def production(database, tmp_path, monkeypatch):
    """A production app on the test database; ``production(TRUSTED_PROXIES=1)`` behind a proxy."""
    from cryptography.fernet import Fernet

    from server.app import create_app

    monkeypatch.setenv("QIAOMEN_ENV", "production")

    def make(**settings):
        return create_app({"SECRET_KEY": "s" * 48, "SQLALCHEMY_DATABASE_URI": database.url,
                           "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(), "UPLOAD_DIR": str(tmp_path),
                           "RATELIMIT_ENABLED": False, **settings})

    return make


def test_production_over_https_sends_hsts_and_never_over_plain_http(production):
    client = production().test_client()
    assert client.get("/login", base_url="https://qiaomen.example.cn").headers[
        "Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/login").headers
    spoofed = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers, "a client's own X-Forwarded-Proto is not believed"


def test_behind_a_trusted_proxy_hsts_follows_the_proxys_word_on_https(production):
    client = production(TRUSTED_PROXIES=1).test_client()
    assert "Strict-Transport-Security" in client.get("/login", headers={"X-Forwarded-Proto": "https"}).headers
    assert "Strict-Transport-Security" not in client.get("/login", headers={"X-Forwarded-Proto": "http"}).headers


def test_outside_production_no_hsts_is_sent_even_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login", base_url="https://127.0.0.1").headers


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
