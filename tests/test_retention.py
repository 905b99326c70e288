"""After a campaign ends and its retention period passes, photos, signatures and visit GPS are deleted, rows and
files alike, and the ledger stays exactly as it was."""
import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from models import CampaignStatus, LedgerArea, StoredFile, Visit
from server.extensions import db as _db
from server.services.files.storage import storage as app_storage
from server.services.ledger.rebuild import rebuild_ledger
from server.services.privacy import retention
from tests.field import bearer, upload, visit_payload
from tests.staff import sign_in

API = "/api/mp/v1"
ENDED = dt.date(2026, 6, 30)


def _documented_visit(client, app, field, household):
    headers = bearer(app, field.users["worker_a1"])
    photo, signature = upload(client, headers, "photo"), upload(client, headers, "signature")
    response = client.post(f"{API}/visits", headers=headers, json=visit_payload(
        field.campaign, household, materials=[{"code": "notice", "quantity": 1}], photo_file_id=photo,
        location={"lat": 29.5316, "lng": 108.7713, "accuracy_m": 12},
        pledge={"signer_name": "张三", "relation": "householder", "signature_file_id": signature}))
    assert response.status_code == 201
    return photo, signature, response.get_json()["visit"]["pledge"]["code"]


def _end_campaign(field):
    field.campaign.start_date, field.campaign.end_date = ENDED - dt.timedelta(days=60), ENDED
    field.campaign.status = CampaignStatus.CLOSED
    _db.session.commit()


def _files_on_disk(app) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def _frozen_at(monkeypatch, day: dt.date):
    moment = dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.timezone.utc)
    monkeypatch.setattr("server.cli.retention.utcnow", lambda: moment)


def test_purging_deletes_photos_signatures_and_gps_and_keeps_the_ledger(client, app, runner, field, monkeypatch):
    photo, signature, code = _documented_visit(client, app, field, field.households_a1[0])
    _end_campaign(field)
    ledger_before = {r.area_id: (r.visited, r.contacted, r.pledged, r.documented)
                     for r in _db.session.scalars(select(LedgerArea))}
    assert len(_files_on_disk(app)) == 2

    _frozen_at(monkeypatch, ENDED + dt.timedelta(days=181))
    result = runner.invoke(args=["purge", "--campaign", str(field.campaign.id), "--older-than", "180"])
    assert result.exit_code == 0, result.output
    assert "清除走访定位 1 条" in result.output and "删除照片和签名 2 个" in result.output

    _db.session.expire_all()
    assert _files_on_disk(app) == [], "the files are gone from disk"
    visit = _db.session.scalar(select(Visit))
    assert (visit.lat, visit.lng, visit.accuracy_m) == (None, None, None), "the GPS is gone from the row"
    assert all(f.purged_at is not None for f in _db.session.scalars(select(StoredFile)))
    assert {r.area_id: (r.visited, r.contacted, r.pledged, r.documented)
            for r in _db.session.scalars(select(LedgerArea))} == ledger_before
    drift = rebuild_ledger(field.campaign)
    assert (drift.progress_rows_fixed, drift.rollups_fixed) == (0, []), "a recount agrees with the kept ledger"

    verified = client.get(f"/pledges/{code}?format=json").get_json()
    assert verified["valid"] is True and verified["signature_purged"] is True
    sign_in(client, "head_a")
    assert client.get(f"/dashboard/files/{photo}").status_code == 410


def test_a_purge_before_the_retention_period_passes_is_refused_and_changes_nothing(client, app, runner, field,
                                                                                 monkeypatch):
    _documented_visit(client, app, field, field.households_a1[0])
    _end_campaign(field)
    _frozen_at(monkeypatch, ENDED + dt.timedelta(days=180))
    result = runner.invoke(args=["purge", "--campaign", str(field.campaign.id), "--older-than", "180"])
    assert result.exit_code == 1 and "2026-12-28 起才能清除" in result.output
    assert len(_files_on_disk(app)) == 2
    assert _db.session.scalar(select(Visit.lat)) is not None


def test_the_retention_period_defaults_to_the_configured_days(client, app, runner, field, monkeypatch):
    _documented_visit(client, app, field, field.households_a1[0])
    _end_campaign(field)
    app.config["RETENTION_DAYS"] = 30
    _frozen_at(monkeypatch, ENDED + dt.timedelta(days=31))
    assert runner.invoke(args=["purge", "--campaign", str(field.campaign.id)]).exit_code == 0
    assert _files_on_disk(app) == []


def test_purging_twice_finds_nothing_more_and_an_unknown_campaign_is_named(client, app, runner, field, monkeypatch):
    _documented_visit(client, app, field, field.households_a1[0])
    _end_campaign(field)
    _frozen_at(monkeypatch, ENDED + dt.timedelta(days=400))
    runner.invoke(args=["purge", "--campaign", str(field.campaign.id)])
    again = runner.invoke(args=["purge", "--campaign", str(field.campaign.id)])
    assert again.exit_code == 0 and "清除走访定位 0 条" in again.output and "删除照片和签名 0 个" in again.output
    unknown = runner.invoke(args=["purge", "--campaign", "999"])
    assert unknown.exit_code == 2 and "没有编号为 999 的活动" in unknown.output


def test_bytes_another_campaign_still_keeps_are_not_deleted(client, app, field):
    from tests.factories import make_campaign

    photo, _, _ = _documented_visit(client, app, field, field.households_a1[0])
    _end_campaign(field)  # one active campaign over a place at a time: the next round starts when this one ends
    later = make_campaign(field.community_a, name="回头看", start=dt.date.today(),
                          end=dt.date.today() + dt.timedelta(days=30))
    _db.session.commit()
    headers = bearer(app, field.users["worker_a1"])
    again = upload(client, headers, "photo")  # the same picture, sent again for the new campaign
    assert again == photo
    assert client.post(f"{API}/visits", headers=headers, json=visit_payload(
        later, field.households_a1[1], materials=[{"code": "notice", "quantity": 1}],
        photo_file_id=photo)).status_code == 201
    now = dt.datetime.combine(ENDED + dt.timedelta(days=181), dt.time(3), tzinfo=dt.timezone.utc)
    storage, report = app_storage(), retention.PurgeReport()
    while retention.purge_step(field.campaign, 180, storage, now, report):
        _db.session.commit()
    assert (report.files_deleted, report.files_kept) == (1, 1), "the signature goes, the shared photo stays"
    assert [p.suffix for p in _files_on_disk(app)] == [".jpg"]


@pytest.mark.parametrize("days", ["-1", "abc"])
def test_a_bad_retention_is_refused(runner, field, days):
    result = runner.invoke(args=["purge", "--campaign", str(field.campaign.id), "--older-than", days])
    assert result.exit_code == 2


def test_the_purge_command_lists_in_help(runner, field):
    assert re.search(r"purge\s", runner.invoke(args=["--help"]).output)
