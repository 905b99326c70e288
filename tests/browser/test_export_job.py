"""In a real browser, against a real worker: a street's 台账 is exported as a background job, its progress bar moves,
the job outlives a page reload, and the file downloaded holds every household of the street.

The live server here has its own queue (SQLite, as ``make run``) and a huey consumer on threads of the test
process, taking jobs from that queue as ``flask jobs worker`` does.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask_migrate import upgrade
from huey.consumer import Consumer
from openpyxl import load_workbook

from models import Area, AreaLevel, Job, JobStatus
from server.app import create_app
from server.extensions import db
from server.services.demo.city import DEMO_PASSWORD, seed_demo_city
from server.services.registry.areas import count_households_under
from tests.browser.conftest import PHONE, serve, sign_in

#: Households of the demo city: its first street alone holds 8 communities of 3,000, whose 台账 takes seconds.
HOUSEHOLDS = 40_000


class ThreadConsumer(Consumer):
    """huey's consumer, started from a test: its worker threads run jobs; the test process keeps its signals."""

    def _set_signal_handlers(self):
        pass


@pytest.fixture(scope="module")
def jobs_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jobs")
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.db'}",
                      "UPLOAD_DIR": str(folder / "uploads"), "SECRET_KEY": "browser-tests",
                      "JOB_QUEUE_URL": f"sqlite:///{folder / 'queue.db'}"})
    with app.app_context():
        upgrade()
        seed_demo_city(households=HOUSEHOLDS, seed=3)
        db.session.commit()
        db.session.remove()
    consumer = ThreadConsumer(app.extensions["qiaomen.job_queue"].huey, workers=2, worker_type="thread")
    consumer.start()
    try:
        yield from serve(app)
    finally:
        consumer.stop(graceful=True)


@pytest.fixture
def jobs_page(browser, jobs_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=jobs_server.url, accept_downloads=True)
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert violations == [], f"the page broke its Content-Security-Policy: {violations}"


def percent(page) -> int:
    return int(page.get_by_test_id("job-bar").get_attribute("aria-valuenow"))


def test_a_street_admin_exports_a_street_watches_the_progress_and_downloads_every_household(jobs_page, jobs_server):
    page = jobs_page
    sign_in(page, "street1", DEMO_PASSWORD, landing="**/dashboard/")
    page.get_by_test_id("export-link").click()
    page.wait_for_url("**/dashboard/jobs/*")
    job_id = page.url.rsplit("/", 1)[1]
    # The bar moves while the worker writes: a value strictly between the start and the end is seen.
    page.wait_for_function("() => { const bar = document.querySelector('[data-testid=job-bar]');"
                           " const value = bar ? +bar.getAttribute('aria-valuenow') : 0;"
                           " return value > 0 && value < 100; }", timeout=30_000)
    moving = percent(page)
    page.reload()  # the job is the server's, not the page's: it is still there, further on or finished
    assert page.get_by_test_id("job-download").or_(page.get_by_test_id("job-bar")).first.is_visible()
    download = page.get_by_test_id("job-download")
    download.wait_for(timeout=60_000)
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.endswith("-入户宣传台账.xlsx")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True)["入户宣传台账"]
    rows = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
    app = jobs_server.app_for_tests
    with app.app_context():
        job = db.session.get(Job, job_id)
        street = db.session.get(Area, job.area_id)
        assert street.level is AreaLevel.STREET and job.status is JobStatus.DONE
        assert rows == count_households_under(street) == job.rows > 8 * 3000 // 2
        assert 0 < moving < 100
        db.session.remove()
