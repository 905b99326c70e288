"""The resident's word on the door page: the door's last visit with the worker's masked name, 属实 or 没有人来过
without signing in, once per visit and browser, rate-limited; a denial is disputed and queued for a spot check."""
import datetime as dt

from sqlalchemy import func, select

from models import ResidentAnswer, ResidentWord, SpotCheck
from server.extensions import db
from server.services.reports import flags
from tests.conftest import csrf_token_of
from tests.field import bearer, visit_payload

API = "/api/mp/v1"


def _visit(client, app, field, household, materials=None):
    at = dt.datetime(2026, 11, 20, 11, 5, tzinfo=dt.timezone.utc)  # 19:05 in Beijing
    field.campaign.start_date = dt.date(2026, 11, 1)
    db.session.commit()
    payload = visit_payload(field.campaign, household, "contacted", visited_at=at.isoformat(),
                            materials=materials or [{"code": "notice", "quantity": 1}])
    response = client.post(f"{API}/visits", json=payload, headers=bearer(app, field.users["worker_a1"]))
    assert response.status_code == 201, response.get_json()
    return payload["id"]


def _answer(client, token, word, visit_id=None):
    html = client.get(f"/q/{token}").get_data(as_text=True)
    visit_id = visit_id or html.split('name="visit_id" value="')[1].split('"')[0]
    return client.post(f"/q/{token}/visit-answer", data={"csrf_token": csrf_token_of(html), "visit_id": visit_id,
                                                         "word": word})


def test_the_door_page_shows_the_last_visit_with_the_workers_masked_name_and_local_time(client, app, field):
    household = field.households_a1[0]
    _visit(client, app, field, household)
    html = client.get(f"/q/{household.token}").get_data(as_text=True)
    assert "网格员王**于11月20日19:05来访，发放" in html and "王网格" not in html
    assert "属实" in html and "没有人来过" in html
    other = client.get(f"/q/{field.households_a1[1].token}").get_data(as_text=True)
    assert 'data-testid="last-visit"' not in other  # only this door's own visit


def test_a_denial_is_kept_once_per_browser_and_queued_for_a_spot_check(client, app, field):
    household = field.households_a1[0]
    visit_id = _visit(client, app, field, household)
    assert _answer(client, household.token, "denied").status_code == 303
    assert _answer(client, household.token, "confirmed", visit_id).status_code == 303  # the same browser again
    answers = db.session.scalars(select(ResidentAnswer)).all()
    assert [(a.visit_id, a.word) for a in answers] == [(visit_id, ResidentWord.DENIED)]
    assert "您已回答：没有人来过" in client.get(f"/q/{household.token}").get_data(as_text=True)
    checks = db.session.scalars(select(SpotCheck)).all()
    assert [(c.visit_id, c.reason.value, c.round_id) for c in checks] == [(visit_id, "disputed", None)]
    disputed = [f for f in flags(field.campaign, field.community_a) if f.kind == "disputed"]
    assert [(f.label, f.worker.name, [v.id for v in f.visits]) for f in disputed] == [
        ("居民反映没有人来过", "王网格", [visit_id])]
    client.delete_cookie("qm_door_browser")  # another browser may answer too
    assert _answer(client, household.token, "confirmed").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ResidentAnswer)) == 2


def test_a_visit_of_another_door_cannot_be_answered(client, app, field):
    visit_id = _visit(client, app, field, field.households_a1[0])
    response = _answer(client, field.households_a1[1].token, "denied", visit_id)
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ResidentAnswer)) == 0


def test_answering_is_rate_limited_per_door(client, app, field):
    household = field.households_a1[0]
    _visit(client, app, field, household)
    statuses = []
    for _ in range(6):
        client.delete_cookie("qm_door_browser")
        statuses.append(_answer(client, household.token, "confirmed").status_code)
    assert statuses[:5] == [303] * 5 and statuses[5] == 429


def test_the_head_sees_the_disputed_visit_and_the_queue_and_draws_a_round(client, app, field):
    from tests.staff import sign_in

    household = field.households_a1[0]
    visit_id = _visit(client, app, field, household)
    _answer(client, household.token, "denied")
    sign_in(client, "head_a")
    page = client.get(f"/dashboard/checks?campaign={field.campaign.id}&area={field.community_a.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'data-testid="disputed-visit" data-visit="{visit_id}"' in html
    assert f'data-testid="queued-check" data-visit="{visit_id}"' in html and "居民反映未来访" in html
    response = client.post(f"/dashboard/checks/draw?campaign={field.campaign.id}&area={field.community_a.id}",
                           data={"csrf_token": csrf_token_of(html), "seed": "9"})
    assert response.status_code == 303
    check = db.session.scalars(select(SpotCheck)).one()
    assert check.round.seed == 9 and check.checker_id == field.users["head_a"].id
    other = app.test_client()
    sign_in(other, "head_b")
    assert f'data-visit="{visit_id}"' not in other.get(
        f"/dashboard/checks?campaign={field.campaign.id}&area={field.community_b.id}").get_data(as_text=True)
