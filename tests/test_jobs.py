"""Exports run as background jobs: started by a button, followed on their page, downloaded by their starter only.

Under test the queue is ``memory://``: each job runs at once, on a thread of its own, as the worker would.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Job, JobStatus, LedgerArea, utcnow
from server.config import ConfigError, load_config, settle_job_queue
from server.extensions import db as _db
from server.job_queue import job_queue
from server.services.jobs import INTERNAL_FAILURE, KINDS, job_folder
from server.services.jobs.jobs import QUEUE_DOWN
from tests.conftest import csrf_token_of
from tests.jobs import job_id_of, start_export
from tests.staff import sign_in
from tests.test_ledger_export import read, record_some_visits


def test_the_export_button_starts_a_job_whose_page_hands_out_the_ledger(client, app, field):
    record_some_visits(client, app, field)
    sign_in(client, "head_a")
    started = start_export(client, field.campaign, field.community_a)
    assert started.status_code == 302
    job_id = job_id_of(started)
    page = client.get(f"/dashboard/jobs/{job_id}").get_data(as_text=True)
    assert "已完成" in page and f"/dashboard/jobs/{job_id}/file" in page
    ledger = _db.session.get(LedgerArea, (field.campaign.id, field.community_a.id))
    progress = client.get(f"/dashboard/jobs/{job_id}.json").get_json()
    assert progress["status"] == "done" and progress["finished"] and progress["percent"] == 100
    assert progress["total"] == ledger.households
    response = client.get(f"/dashboard/jobs/{job_id}/file")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    households, _ = read(response.data)
    assert households.max_row - 1 == ledger.households
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export_ledger"))
    assert event.user_id == field.users["head_a"].id and event.object_id == field.community_a.id
    assert "金桥社区" in client.get("/dashboard/jobs").get_data(as_text=True)


def test_a_job_is_seen_by_its_starter_alone_even_an_admin_over_the_area_gets_404(client, app, field):
    sign_in(client, "head_a")
    job_id = job_id_of(start_export(client, field.campaign, field.community_a))
    for other in ("head_b", "street_admin"):
        stranger = app.test_client()
        sign_in(stranger, other)
        for path in (f"/dashboard/jobs/{job_id}", f"/dashboard/jobs/{job_id}.json", f"/dashboard/jobs/{job_id}/file"):
            assert stranger.get(path).status_code == 404, (other, path)
        assert "金桥社区" not in stranger.get("/dashboard/jobs").get_data(as_text=True)
    assert client.get("/dashboard/jobs/" + "9" * 500).status_code == 404


def test_a_work_function_that_raises_fails_the_job_in_chinese_without_a_traceback(client, app, field, monkeypatch):
    def broken(job, output, progress):
        progress(1)
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setitem(KINDS, "export_ledger", dataclasses.replace(KINDS["export_ledger"], work=broken))
    sign_in(client, "head_a")
    job_id = job_id_of(start_export(client, field.campaign, field.community_a))
    page = client.get(f"/dashboard/jobs/{job_id}").get_data(as_text=True)
    assert INTERNAL_FAILURE in page and "secret detail" not in page and "Traceback" not in page
    progress = client.get(f"/dashboard/jobs/{job_id}.json").get_json()
    assert progress["status"] == "failed" and progress["message"] == INTERNAL_FAILURE
    assert client.get(f"/dashboard/jobs/{job_id}/file").status_code == 409
    assert list(job_folder().glob("*")) == []  # no half-written file left behind


def test_a_queue_that_cannot_take_the_job_fails_it_in_words(client, app, field, monkeypatch):
    def down(job_id):
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(job_queue(), "enqueue", down)
    sign_in(client, "head_a")
    job_id = job_id_of(start_export(client, field.campaign, field.community_a))
    assert client.get(f"/dashboard/jobs/{job_id}.json").get_json()["message"] == QUEUE_DOWN


def test_a_file_past_its_time_is_410_and_the_sweep_removes_it(client, app, field, runner):
    sign_in(client, "head_a")
    job_id = job_id_of(start_export(client, field.campaign, field.community_a))
    job = _db.session.get(Job, job_id)
    path = job_folder() / job.file
    assert path.is_file() and job.expires_at - job.finished_at == dt.timedelta(hours=24)
    job.expires_at = utcnow() - dt.timedelta(minutes=1)
    _db.session.commit()
    leftover = job_folder() / f"{job_id}.xlsx.1234abcd.part"  # what a worker killed midway leaves
    leftover.write_bytes(b"half")
    os.utime(leftover, (0, 0))
    gone = client.get(f"/dashboard/jobs/{job_id}/file")
    assert gone.status_code == 410 and "已过期" in gone.get_data(as_text=True)
    result = runner.invoke(args=["sweep-files"])
    assert "过期的导出文件 1 个" in result.output, result.output
    assert not path.exists() and not leftover.exists() and _db.session.get(Job, job_id).file is None
    assert "已过期" in client.get(f"/dashboard/jobs/{job_id}").get_data(as_text=True)


def test_the_old_export_address_leads_to_my_exports(client, field):
    sign_in(client, "head_a")
    response = client.get(f"/dashboard/export.xlsx?campaign={field.campaign.id}&area={field.community_a.id}")
    assert response.status_code == 302 and "/dashboard/jobs?" in response.headers["Location"]
    assert _db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_running_job_shows_its_progress_bar_and_refreshes_without_script(client, app, field):
    sign_in(client, "head_a")
    job_id = job_id_of(start_export(client, field.campaign, field.community_a))
    job = _db.session.get(Job, job_id)
    job.status, job.done, job.total = JobStatus.RUNNING, 3, 12
    _db.session.commit()
    page = client.get(f"/dashboard/jobs/{job_id}").get_data(as_text=True)
    assert 'aria-valuenow="25"' in page and '<meta http-equiv="refresh"' in page and "jobs.js" in page


@pytest.mark.parametrize("url", ["ftp://queue", "redis//no-scheme", "mysql://x"])
def test_a_job_queue_url_of_a_kind_the_queue_cannot_use_stops_the_start_in_one_line(url):
    config = load_config({"QIAOMEN_ENV": "development", "JOB_QUEUE_URL": url})
    with pytest.raises(ConfigError) as error:
        settle_job_queue(config)
    assert "JOB_QUEUE_URL" in str(error.value) and "\n" not in str(error.value)


def test_unset_the_queue_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    config = load_config({"QIAOMEN_ENV": "development", "QIAOMEN_INSTANCE_DIR": str(tmp_path)})
    settle_job_queue(config)
    assert config["JOB_QUEUE_URL"] == f"sqlite:///{tmp_path / 'jobs-queue.db'}"


def test_a_job_cut_short_by_a_stopping_worker_says_so(client, app, field):
    from huey.signals import SIGNAL_INTERRUPTED

    from server.services.jobs import INTERRUPTED

    sign_in(client, "head_a")
    job_id = job_id_of(start_export(client, field.campaign, field.community_a))
    job = _db.session.get(Job, job_id)
    job.status = JobStatus.RUNNING
    _db.session.commit()
    job_queue().huey._emit(SIGNAL_INTERRUPTED, SimpleNamespace(args=(job_id,)))  # as the consumer does on a stop
    assert INTERRUPTED in client.get(f"/dashboard/jobs/{job_id}").get_data(as_text=True)


def test_a_head_starts_the_labels_of_the_community_as_a_job_and_downloads_the_pdf(client, app, field):
    sign_in(client, "head_a")
    page = client.get(f"/dashboard/jobs?campaign={field.campaign.id}&area={field.community_a.id}")
    token = csrf_token_of(page.get_data(as_text=True))
    started = client.post(f"/staff/areas/{field.community_a.id}/labels?campaign={field.campaign.id}",
                          data={"csrf_token": token})
    job_id = job_id_of(started)
    response = client.get(f"/dashboard/jobs/{job_id}/file")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data[:5] == b"%PDF-" and "%E9%97%A8%E8%B4%B4" in response.headers["Content-Disposition"]  # 门贴
    job = _db.session.get(Job, job_id)
    assert job.kind == "labels" and job.rows == job.total > 0


def test_labels_of_an_area_outside_the_callers_scope_cannot_be_started(client, app, field):
    sign_in(client, "head_b")
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post(f"/staff/areas/{field.community_a.id}/labels").status_code == 404
    assert _db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_above_the_request_limit_the_staff_page_offers_a_background_job_instead_of_a_link(client, app, field,
                                                                                         monkeypatch):
    monkeypatch.setattr("server.web.staff.WEB_LABEL_LIMIT", 1)
    sign_in(client, "head_a")
    home = client.get("/staff/").get_data(as_text=True)
    assert f"/staff/areas/{field.community_a.id}/labels\"" in home and 'data-testid="labels-job"' in home
    refused = client.get(f"/staff/areas/{field.community_a.id}/labels.pdf")
    assert refused.status_code == 302


def test_building_the_app_opens_no_queue_until_a_job_is_queued(tmp_path):
    from server.app import create_app

    queue_file = tmp_path / "queue.db"
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "JOB_QUEUE_URL": f"sqlite:///{queue_file}"})
    assert not queue_file.exists()
    with app.app_context():
        assert not job_queue().runs_in_process and job_queue().huey is not None
    assert queue_file.exists()


def test_a_job_travels_through_the_production_queue_from_the_page_to_the_worker(client, app, field, database,
                                                                               monkeypatch):
    """Redis beside SQLite, PostgreSQL itself beside PostgreSQL: the page queues the job, a worker takes it out."""
    from server.job_queue import JobQueue

    url = ("redis://127.0.0.1:6379/14" if database.backend == "sqlite"
           else database.url)  # as DATABASE_URL is written: postgresql+psycopg://…
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", url)
    queue = JobQueue(app)
    monkeypatch.setitem(app.extensions, "qiaomen.job_queue", queue)
    queue.huey.flush()
    try:
        sign_in(client, "head_a")
        job_id = job_id_of(start_export(client, field.campaign, field.community_a))
        assert client.get(f"/dashboard/jobs/{job_id}.json").get_json()["status"] == "queued"
        task = queue.huey.dequeue()  # as a consumer's worker thread does
        assert task.args == (job_id,)
        queue.huey.execute(task)
        assert client.get(f"/dashboard/jobs/{job_id}.json").get_json()["status"] == "done"
        assert client.get(f"/dashboard/jobs/{job_id}/file").status_code == 200
    finally:
        queue.huey.flush()


def test_a_new_kind_is_one_registered_function_given_its_parameters(client, app, field, monkeypatch):
    from server.services.jobs import job_kind, start_job

    seen = {}

    def month_notes(job, output, progress):
        seen.update(job.parameters)
        output.write_text(f"{job.area.name} {job.parameters['month']}", encoding="utf-8")
        return 1

    monkeypatch.setitem(KINDS, "notes", None)  # put back as it was after the test
    job_kind("notes", title="月度说明", extension=".txt", mimetype="text/plain", download_name="{area}-说明.txt",
             count=lambda job: 1)(month_notes)
    job = start_job(field.users["head_a"], "notes", field.community_a, params={"month": "2026-11"})
    _db.session.commit()  # queued on commit; memory:// runs it at once
    sign_in(client, "head_a")
    response = client.get(f"/dashboard/jobs/{job.id}/file")
    assert response.get_data(as_text=True) == "金桥社区 2026-11" and seen == {"month": "2026-11"}
