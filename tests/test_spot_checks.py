"""Spot checks (复核): a sample reproducible from its seed, at least two per worker, flagged and disputed visits
included, each checked by someone other than its worker, who alone sees it; a visit found false leaves the counts
and the ledger still equals a recount."""
import datetime as dt
import io
import uuid

import pytest

from models import CheckReason, HouseholdProgress, LedgerArea, ResidentWord, SpotCheck
from server.extensions import db
from server.services.access.scope import OutOfScope, get_spot_check
from server.services.checks import (CheckAlreadyDone, CheckerIsTheWorker, CheckInputError, answer_last_visit,
                                    assign_checker, check_queue, checks_of, disputed_visits, draw_round, record_check,
                                    sample_visits)
from server.services.ledger.rebuild import rebuild_ledger
from server.services.reports import agreement
from tests.field import bearer, upload, visit_payload
from tests.test_ledger_invariant import assert_invariant

API = "/api/mp/v1"


def _visit(client, app, field, worker, household, outcome="contacted", minutes=0, **extra):
    headers = bearer(app, field.users[worker])
    at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=8) + dt.timedelta(minutes=minutes)
    payload = visit_payload(field.campaign, household, outcome, visited_at=at.isoformat(), **extra)
    response = client.post(f"{API}/visits", json=payload, headers=headers)
    assert response.status_code == 201, response.get_json()
    return payload["id"]


def _many(client, app, field):
    ids = {"worker_a1": [], "volunteer_a": []}
    for i, household in enumerate(field.households_a1):
        ids["worker_a1"].append(_visit(client, app, field, "worker_a1", household, minutes=i * 15))
    for i, household in enumerate(field.households_a2[:3]):
        ids["volunteer_a"].append(_visit(client, app, field, "volunteer_a", household, minutes=i * 15))
    return ids


def test_a_sample_is_the_same_from_the_same_seed_and_holds_at_least_two_per_worker():
    population = {1: [f"a{i:02}" for i in range(40)], 2: ["b1", "b2", "b3"], 3: ["c1"]}
    first = sample_visits(population, 7)
    assert first == sample_visits(population, 7)
    assert sum(v.startswith("a") for v in first) == 4  # 10 % of 40
    assert sum(v.startswith("b") for v in first) == 2  # at least two
    assert [v for v in first if v.startswith("c")] == ["c1"]  # all, if fewer
    assert any(sample_visits(population, seed) != first for seed in range(8, 20))


def test_a_round_records_its_seed_draws_per_worker_and_never_gives_a_check_to_its_worker(client, app, field):
    ids = _many(client, app, field)
    head, worker = field.users["head_a"], field.users["worker_a1"]
    round_ = draw_round(field.campaign, field.community_a, head, seed=42, checkers=[worker, head])
    db.session.commit()
    assert (round_.seed, round_.share, round_.minimum, round_.population) == (42, 0.1, 2, 13)
    drawn = {c.visit_id: c for c in round_.checks}
    assert sum(v in drawn for v in ids["worker_a1"]) == 2 and sum(v in drawn for v in ids["volunteer_a"]) == 2
    assert all(c.checker_id not in (None, c.visit.worker_id) for c in drawn.values())
    expected = sample_visits({worker.id: ids["worker_a1"], field.users["volunteer_a"].id: ids["volunteer_a"]}, 42)
    assert sorted(drawn) == sorted(expected)
    with pytest.raises(CheckerIsTheWorker):
        assign_checker(next(c for c in drawn.values() if c.visit.worker_id == worker.id), worker)


def test_a_flagged_visit_and_a_disputed_one_are_always_drawn(client, app, field):
    ids = _many(client, app, field)
    far = _visit(client, app, field, "volunteer_a", field.households_a2[3], minutes=200,
                 location={"lat": 10.0, "lng": 10.0, "accuracy_m": 5})
    disputed = ids["volunteer_a"][0]
    household = field.households_a2[0]
    answer_last_visit(household, field.campaign, disputed, "browser-1", ResidentWord.DENIED)
    db.session.commit()
    assert [c.visit_id for c in check_queue(field.campaign, field.community_a)] == [disputed]
    for seed in (1, 2, 3):
        round_ = draw_round(field.campaign, field.community_a, field.users["head_a"], seed=seed)
        reasons = {c.visit_id: c.reason for c in round_.checks}
        if seed == 1:
            assert reasons[disputed] is CheckReason.DISPUTED
        assert far in reasons or seed > 1  # drawn once; a visit already in a check is not drawn again
        db.session.rollback() if seed > 1 else db.session.commit()
    assert {c.visit_id for c in check_queue(field.campaign, field.community_a)} >= {far, disputed}


def test_a_checker_sees_only_the_checks_assigned_to_them(client, app, field):
    _many(client, app, field)
    head, volunteer = field.users["head_a"], field.users["volunteer_a"]
    round_ = draw_round(field.campaign, field.community_a, head, seed=5, checkers=[volunteer, head])
    db.session.commit()
    mine = checks_of(volunteer)
    assert mine and all(c.checker_id == volunteer.id for c in mine)
    others = [c for c in round_.checks if c.checker_id != volunteer.id]
    assert get_spot_check(volunteer, mine[0].id) is mine[0]
    with pytest.raises(OutOfScope):
        get_spot_check(volunteer, others[0].id)


def test_a_visit_found_false_leaves_the_counts_and_the_ledger_equals_a_recount(client, app, field):
    headers = bearer(app, field.users["worker_a1"])
    photo, signature = upload(client, headers, "photo"), upload(client, headers, "signature")
    household = field.households_a1[0]
    visit_id = _visit(client, app, field, "worker_a1", household, photo_file_id=photo,
                      materials=[{"code": "notice", "quantity": 1}],
                      pledge={"signer_name": "张三", "relation": "family", "signature_file_id": signature})
    other = _visit(client, app, field, "worker_a1", field.households_a1[1])
    grid = db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id))
    assert (grid.contacted, grid.documented) == (2, 1)
    check = SpotCheck(visit_id=visit_id, reason=CheckReason.SAMPLE, checker_id=field.users["head_a"].id)
    db.session.add(check)
    db.session.commit()
    key = str(uuid.uuid4())
    with pytest.raises(CheckInputError):
        record_check(check, field.users["head_a"], {"client_id": key})
    assert record_check(check, field.users["head_a"], {"client_id": key, "visited": "no", "lat": "30.1",
                                                       "lng": "120.2"})
    db.session.commit()
    assert record_check(check, field.users["head_a"], {"client_id": key, "visited": "no"}) is False  # a retry
    with pytest.raises(CheckAlreadyDone):
        record_check(check, field.users["head_a"], {"client_id": str(uuid.uuid4()), "visited": "yes"})
    db.session.expire_all()
    grid = db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id))
    # The household's pledge stands; its only visit, found false, counts for neither 走访, 入户 nor 三有.
    assert (grid.visited, grid.contacted, grid.pledged, grid.documented) == (1, 1, 1, 0)
    progress = db.session.get(HouseholdProgress, (household.id, field.campaign.id))
    assert check.visit.found_false_at is not None and (progress.visits, progress.contacted) == (0, False)
    assert_invariant(field.campaign)
    drift = rebuild_ledger(field.campaign)
    assert drift.progress_rows_fixed == 0 and drift.rollups_fixed == []
    workers, grids = agreement(field.campaign, field.community_a)
    assert [(a.name, a.checked, a.agreed, a.found_false, a.rate) for a in workers] == [("王网格", 1, 0, 1, 0.0)]
    assert [(a.checked, a.rate) for a in grids] == [(1, 0.0)]
    assert other


def test_a_resident_answers_once_per_visit_and_browser_and_a_denial_is_disputed(client, app, field):
    household = field.households_a1[0]
    visit_id = _visit(client, app, field, "worker_a1", household)
    answer, created = answer_last_visit(household, field.campaign, visit_id, "k1", ResidentWord.DENIED)
    again, created_again = answer_last_visit(household, field.campaign, visit_id, "k1", ResidentWord.CONFIRMED)
    assert created and not created_again and again.id == answer.id and again.word is ResidentWord.DENIED
    db.session.commit()
    assert [d.visit.id for d in disputed_visits(field.campaign, field.community_a)] == [visit_id]
    assert [d.visit.id for d in disputed_visits(field.campaign, field.community_b)] == []


def test_a_checker_records_a_check_through_the_api_once_and_sees_no_one_elses(client, app, field):
    _many(client, app, field)
    head, volunteer = field.users["head_a"], field.users["volunteer_a"]
    round_ = draw_round(field.campaign, field.community_a, head, seed=3, checkers=[volunteer, head])
    db.session.commit()
    headers = bearer(app, volunteer)
    listed = client.get(f"{API}/checks", headers=headers).get_json()["checks"]
    mine = {c.id for c in round_.checks if c.checker_id == volunteer.id}
    assert {c["id"] for c in listed} == mine and all(c["worker_name"] == "王网格" for c in listed)
    others = [c.id for c in round_.checks if c.checker_id != volunteer.id]
    assert client.get(f"{API}/checks/{others[0]}", headers=headers).status_code == 404
    photo = upload(client, headers, "photo")
    body = {"client_id": str(uuid.uuid4()), "visited": True, "material_received": True, "signed_themselves": True,
            "photo_file_id": photo, "location": {"lat": 30.27, "lng": 120.15}}
    check_id = listed[0]["id"]
    first = client.post(f"{API}/checks/{check_id}/result", json=body, headers=headers)
    assert first.status_code == 201 and first.get_json()["agrees"] is True
    assert client.post(f"{API}/checks/{check_id}/result", json=body, headers=headers).status_code == 200
    other = client.post(f"{API}/checks/{check_id}/result", json={**body, "client_id": str(uuid.uuid4())},
                        headers=headers)
    assert other.status_code == 409 and other.get_json()["message"] == "这项复核已经记录过了"
    assert client.post(f"{API}/checks/{others[0]}/result", json=body, headers=headers).status_code == 404
    assert client.get(f"{API}/checks?done=true", headers=headers).get_json()["checks"][0]["id"] == check_id


def test_a_checker_completes_a_check_on_the_revisit_page_and_a_false_visit_leaves_the_counts(client, app, field):
    from tests.conftest import csrf_token_of
    from tests.field import jpeg
    from tests.staff import sign_in

    visit_id = _visit(client, app, field, "worker_a1", field.households_a1[0])
    check = SpotCheck(visit_id=visit_id, reason=CheckReason.SAMPLE, checker_id=field.users["head_a"].id)
    db.session.add(check)
    db.session.commit()
    sign_in(client, "head_a")
    assert field.households_a1[0].label in client.get("/checks/").get_data(as_text=True)
    html = client.get(f"/checks/{check.id}").get_data(as_text=True)
    client_id = html.split('name="client_id" value="')[1].split('"')[0]
    form = {"csrf_token": csrf_token_of(html), "client_id": client_id, "visited": "no", "lat": "30.27",
            "lng": "120.15", "photo": (io.BytesIO(jpeg()), "photo.jpg")}
    response = client.post(f"/checks/{check.id}", data=form, content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.expire_all()
    assert check.visited is False and check.photo_file_id and check.lat == 30.27
    assert check.visit.found_false_at is not None
    assert db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id)).contacted == 0
    other = app.test_client()
    sign_in(other, "head_b")
    assert other.get(f"/checks/{check.id}").status_code == 404


def test_a_checks_photo_is_never_swept_as_unused_and_its_photo_and_gps_go_with_the_campaigns(client, app, field):
    from models import StoredFile
    from server.services.files.storage import storage
    from server.services.files.sweep import sweep_unused_rows
    from server.services.privacy.retention import PurgeReport, purge_step

    visit_id = _visit(client, app, field, "worker_a1", field.households_a1[0])
    photo = upload(client, bearer(app, field.users["head_a"]), "photo")
    check = SpotCheck(visit_id=visit_id, reason=CheckReason.SAMPLE, checker_id=field.users["head_a"].id)
    db.session.add(check)
    db.session.commit()
    record_check(check, field.users["head_a"], {"client_id": str(uuid.uuid4()), "visited": "yes",
                                                "photo_file_id": photo, "lat": "30.2", "lng": "120.1"})
    db.session.commit()
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)
    assert sweep_unused_rows(later) == 0
    moment, report = dt.datetime.combine(field.campaign.end_date + dt.timedelta(days=2), dt.time(),
                                         dt.timezone.utc), PurgeReport()
    while purge_step(field.campaign, 0, storage(), moment, report):
        db.session.commit()
    db.session.expire_all()
    assert (check.lat, check.lng) == (None, None)
    assert db.session.get(StoredFile, photo).purged_at is not None
