"""Recording visits: idempotent by the phone's UUID, strict about input, and all-or-nothing."""
import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from models import Feedback, HouseholdProgress, LedgerArea, Pledge, Visit, VisitMaterial
from server.extensions import db as _db
from tests.field import bearer, upload, visit_payload

API = "/api/mp/v1"


def counts():
    return tuple(_db.session.scalar(select(func.count()).select_from(m)) for m in
                 (Visit, VisitMaterial, Pledge, Feedback, HouseholdProgress))


@pytest.fixture
def headers(app, field):
    return bearer(app, field.users["worker_a1"])


def test_a_replay_with_the_same_content_answers_200_with_the_first_answer_and_adds_nothing(client, field, headers):
    payload = visit_payload(field.campaign, field.households_a1[0], materials=[{"code": "notice", "quantity": 2}])
    first = client.post(f"{API}/visits", json=payload, headers=headers)
    assert first.status_code == 201
    before = counts()
    client.post(f"{API}/visits", json=visit_payload(field.campaign, field.households_a1[0], "not_home"),
                headers=headers)  # progress moves on meanwhile
    replay = client.post(f"{API}/visits", json=payload, headers=headers)
    assert replay.status_code == 200
    assert replay.get_json() == first.get_json()
    assert counts()[1:] == before[1:] and counts()[0] == before[0] + 1


def test_the_same_id_with_different_content_is_a_409_and_writes_nothing(client, field, headers):
    payload = visit_payload(field.campaign, field.households_a1[0])
    client.post(f"{API}/visits", json=payload, headers=headers)
    before = counts()
    changed = client.post(f"{API}/visits", json={**payload, "outcome": "refused"}, headers=headers)
    assert changed.status_code == 409 and changed.get_json()["code"] == 409
    assert counts() == before


@pytest.mark.parametrize("change, field_name", [
    ({"colour": "red"}, "colour"),
    ({"materials": [{"code": "poster", "quantity": 1}]}, "materials"),
    ({"materials": [{"code": "notice", "quantity": 0}]}, "materials"),
    ({"visited_at": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)).isoformat()}, "visited_at"),
    ({"visited_at": "2026-11-23T10:00:00"}, "visited_at"),
    ({"visited_at": "0001-01-01T00:00:00+00:01"}, "visited_at"),
    ({"visited_at": "9999-12-31T23:59:00-00:01"}, "visited_at"),
    ({"outcome": "asleep"}, "outcome"),
    ({"id": "not-a-uuid"}, "id"),
    ({"household_id": "12"}, "household_id"),
    ({"photo_file_id": "0" * 32}, "photo_file_id"),
    ({"outcome": "vacant"}, "outcome"),
    ({"outcome": "not_home", "pledge": {"signer_name": "张三", "relation": "family", "signature_file_id": "x"}},
     "pledge"),
    ({"location": {"lat": 120, "lng": 0}}, "location"),
    ({"note": "长" * 501}, "note"),
])
def test_bad_input_gets_a_clear_4xx_naming_the_field_and_writes_nothing(client, field, headers, change,
                                                                        field_name):
    payload = {**visit_payload(field.campaign, field.households_a1[0]), **change}
    response = client.post(f"{API}/visits", json=payload, headers=headers)
    assert response.status_code in (400, 422), response.get_json()
    body = response.get_json()
    assert field_name in str(body["errors"]) and body["message"]
    assert counts() == (0, 0, 0, 0, 0)


def test_a_household_outside_the_callers_grids_is_404_and_writes_nothing(client, field, headers):
    response = client.post(f"{API}/visits", json=visit_payload(field.campaign, field.households_b1[0]),
                           headers=headers)
    assert response.status_code == 404 and counts() == (0, 0, 0, 0, 0)


def test_a_vacant_report_with_a_photo_is_recorded_and_flagged(client, field, headers):
    photo = upload(client, headers, "photo")
    response = client.post(f"{API}/visits", json=visit_payload(field.campaign, field.households_a1[1], "vacant",
                                                                photo_file_id=photo), headers=headers)
    assert response.status_code == 201
    progress = _db.session.get(HouseholdProgress, (field.households_a1[1].id, field.campaign.id))
    assert progress.vacant_reported and not progress.contacted


def test_two_visits_to_the_same_household_count_it_once(client, app, field, headers):
    other = bearer(app, field.users["head_a"])
    household = field.households_a1[0]
    for h in (headers, other):
        assert client.post(f"{API}/visits", json=visit_payload(field.campaign, household), headers=h).status_code == 201
    row = _db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id))
    assert (row.visited, row.contacted) == (1, 1)
    assert _db.session.get(HouseholdProgress, (household.id, field.campaign.id)).visits == 2


def test_sync_handles_each_item_on_its_own_and_says_what_became_of_it(client, field, headers):
    good = visit_payload(field.campaign, field.households_a1[0], materials=[{"code": "notice", "quantity": 1}])
    client.post(f"{API}/visits", json=good, headers=headers)
    fresh = visit_payload(field.campaign, field.households_a1[1], "not_home")
    batch = [
        fresh,
        good,                                                     # already sent: duplicate
        {**good, "outcome": "refused"},                           # same id, other content: conflict
        {"id": str(uuid.uuid4()), "outcome": "contacted"},        # malformed: invalid
        visit_payload(field.campaign, field.households_b1[0]),    # another grid: not_found
        {**visit_payload(field.campaign, field.households_a1[2]), "materials": [{"code": "x", "quantity": 1}]},
    ]
    response = client.post(f"{API}/sync", json={"visits": batch}, headers=headers)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["created", "duplicate", "conflict", "invalid", "not_found", "invalid"]
    assert results[0]["progress"]["revisit_due"] is True
    assert "campaign_id" in results[3]["errors"] and results[3]["errors"]["campaign_id"] == ["必填"]
    assert _db.session.scalar(select(func.count()).select_from(Visit)) == 2
    again = client.post(f"{API}/sync", json={"visits": batch}, headers=headers).get_json()["results"]
    assert [r["status"] for r in again][:3] == ["duplicate", "duplicate", "conflict"]
    assert _db.session.scalar(select(func.count()).select_from(Visit)) == 2


def test_a_sync_batch_is_capped(client, field, headers):
    batch = [visit_payload(field.campaign, field.households_a1[0]) for _ in range(201)]
    response = client.post(f"{API}/sync", json={"visits": batch}, headers=headers)
    assert response.status_code == 422 and counts() == (0, 0, 0, 0, 0)


def test_a_signature_on_a_pledge_text_edited_since_the_phone_showed_it_is_refused_and_writes_nothing(
        client, field, headers):
    from server.services.canvassing.campaigns import publish_pledge_text

    publish_pledge_text(field.campaign, "生活垃圾分类承诺书", "本户承诺：分类投放，按时投放。")
    signature = upload(client, headers, "signature")
    pledge = {"signer_name": "张三", "relation": "family", "signature_file_id": signature}
    stale = visit_payload(field.campaign, field.households_a1[0], pledge={**pledge, "pledge_text_version": 1})
    response = client.post(f"{API}/visits", json=stale, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["pledge.pledge_text_version"] == ["承诺书已更新为第 2 版，请阅读新版后再签名"]
    assert counts() == (0, 0, 0, 0, 0)
    read = visit_payload(field.campaign, field.households_a1[0], pledge={**pledge, "pledge_text_version": 2})
    assert client.post(f"{API}/visits", json=read, headers=headers).status_code == 201
