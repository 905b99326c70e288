"""A live server on its own database, and Debian's Chromium driven by Playwright.

Chromium is never downloaded: the suite uses /usr/bin/chromium (``apt-get install
chromium``). A missing browser fails the run; it is never a reason to skip.
"""
from __future__ import annotations

import os
import random
import shutil
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from server.app import create_app
from server.extensions import db
from server.services.demo.activity import simulate_field_work
from server.services.demo.city import seed_demo_city
from server.services.files.storage import storage
from tests.access_log import AccessLogHandler

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app served over real HTTP on a free port, with a small demo city."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.db'}",
                      "UPLOAD_DIR": str(folder / "uploads"), "SECRET_KEY": "browser-tests"})
    with app.app_context():
        upgrade()
        city = seed_demo_city(households=300, seed=1)
        db.session.commit()
        simulate_field_work(city.campaign, 0.5, random.Random(1), storage())
        db.session.commit()
        db.session.remove()
    yield from serve(app)


def serve(app):
    """Serve ``app`` over real HTTP on a free port until the fixture that yields from here ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=AccessLogHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app_for_tests = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


def sign_in(page, username: str, password: str, landing: str | None = None) -> None:
    """Sign a head or admin in through the login form, as a person does; wait for ``landing`` when given."""
    page.goto("/login")
    page.get_by_placeholder("请输入用户名").fill(username)
    page.get_by_placeholder("请输入密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if landing:
        page.wait_for_url(landing)


def invite_sign_in(page, code: str) -> None:
    """Sign a field worker in with an invite code, and wait until the offline service worker controls the page."""
    page.goto("/w/login")
    page.get_by_placeholder("例如 ABCDE-FGHJK").fill(code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/w/")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null || "
                           "(navigator.serviceWorker.ready.then(() => location.reload()), false)", timeout=15000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page in a fresh browser context; it records every URL the page asks for.

    Every page a test opens must keep to the Content-Security-Policy: a violation fails the test.
    """
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url,
                                  user_agent="Mozilla/5.0 (Linux; Android 10) MicroMessenger/8.0")
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert violations == [], f"the page broke its Content-Security-Policy: {violations}"
