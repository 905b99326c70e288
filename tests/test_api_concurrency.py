"""Phones retry and workers overlap: over real HTTP, with many requests at once, nothing doubles and an invite binds once."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from models import HouseholdProgress, LedgerArea, LedgerBuilding, User, Visit
from server.extensions import db as _db
from server.services.access.accounts import issue_invite_code
from server.services.wechat.login import dev_openid
from tests.access_log import AccessLogHandler
from tests.conftest import csrf_token_of
from tests.field import bearer, visit_payload

API = "/api/mp/v1"


@pytest.fixture
def live(app, field):
    """The test's app served over HTTP by a threaded server, on the test's database."""
    _db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=AccessLogHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    _db.session.rollback()  # end the test's read snapshot: see what the server committed


def post_all(url, bodies_and_headers, workers=25):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda bh: requests.post(url, json=bh[0], headers=bh[1], timeout=60),
                             bodies_and_headers))


def test_fifty_identical_concurrent_sends_make_one_visit(app, field, live):
    payload = visit_payload(field.campaign, field.households_a1[0], materials=[{"code": "notice", "quantity": 1}])
    headers = bearer(app, field.users["worker_a1"])
    responses = post_all(f"{live}{API}/visits", [(payload, headers)] * 50)
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1 and statuses.count(200) == 49, statuses
    assert len({r.json()["visit"]["received_at"] for r in responses}) == 1, "every answer is the first answer"
    _db.session.rollback()  # end the test's read snapshot: see what the server committed
    assert _db.session.scalar(select(func.count()).select_from(Visit)) == 1
    assert _db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id)).visited == 1


def test_workers_at_the_same_door_at_once_all_succeed_and_the_household_counts_once(app, field, live):
    household = field.households_a1[0]
    bodies = []
    for n in range(20):
        user = field.users["worker_a1" if n % 2 else "head_a"]
        bodies.append((visit_payload(field.campaign, household, "contacted" if n % 3 else "not_home"),
                       bearer(app, user)))
    responses = post_all(f"{live}{API}/visits", bodies)
    assert [r.status_code for r in responses] == [201] * 20
    _db.session.rollback()  # end the test's read snapshot: see what the server committed
    progress = _db.session.get(HouseholdProgress, (household.id, field.campaign.id))
    assert progress.visits == 20 and progress.contacted
    building = _db.session.get(LedgerBuilding, (field.campaign.id, household.building_id))
    assert (building.visited, building.contacted, building.revisit_due) == (1, 1, 0)
    grid = _db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id))
    assert (grid.visited, grid.contacted) == (1, 1)


def test_twenty_writers_at_once_meet_no_lock_error_and_every_visit_is_stored_once(app, field, live):
    headers = bearer(app, field.users["worker_a1"])
    bodies = [(visit_payload(field.campaign, field.households_a1[n % 10], materials=[{"code": "notice", "quantity": 1}]),
               headers) for n in range(40)]
    responses = post_all(f"{live}{API}/visits", bodies, workers=20)
    assert [r.status_code for r in responses] == [201] * 40, [r.text for r in responses if r.status_code != 201][:3]
    assert not any("locked" in r.text for r in responses)
    _db.session.rollback()  # end the test's read snapshot: see what the server committed
    stored = set(_db.session.scalars(select(Visit.id)))
    assert stored == {body["id"] for body, _ in bodies}
    assert _db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id)).visited == 10


def test_eight_phones_binding_one_invite_code_at_once_bind_exactly_one(app, field, live):
    worker = field.users["worker_a1"]
    code = issue_invite_code(worker)
    _db.session.commit()
    phones = [requests.post(f"{live}{API}/auth/login", json={"code": f"phone-{n}"}, timeout=60).json()["token"]
              for n in range(8)]
    responses = post_all(f"{live}{API}/auth/bind",
                         [({"invite_code": code}, {"Authorization": f"Bearer {token}"}) for token in phones])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [400] * 7, statuses
    winner = next(n for n, r in enumerate(responses) if r.status_code == 200)
    _db.session.rollback()  # end the test's read snapshot: see what the server committed
    assert _db.session.execute(select(User.id, User.wechat_openid).where(User.wechat_openid.is_not(None))).all() == [
        (worker.id, dev_openid(f"phone-{winner}"))], "the openid of the one phone that bound, on the one account"


def test_eight_browsers_signing_in_with_one_invite_code_at_once_sign_in_exactly_one(app, field, live):
    code = issue_invite_code(field.users["worker_a1"])
    _db.session.commit()
    browsers = []
    for _ in range(8):
        browser = requests.Session()
        browsers.append((browser, csrf_token_of(browser.get(f"{live}/w/login", timeout=60).text)))
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda bt: bt[0].post(f"{live}/w/login", data={"invite_code": code, "csrf_token": bt[1]},
                                                        allow_redirects=False, timeout=60), browsers))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302] + [400] * 7, statuses
    assert sum(browser.get(f"{live}/w/", allow_redirects=False, timeout=60).status_code == 200
               for browser, _ in browsers) == 1


def test_eight_wrong_passwords_sent_at_once_from_one_address_are_each_counted_towards_its_lock(app, field, live):
    browsers = []
    for _ in range(8):
        browser = requests.Session()
        browsers.append((browser, csrf_token_of(browser.get(f"{live}/login", timeout=60).text)))
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda bt: bt[0].post(f"{live}/login", data={
            "username": "head_a", "password": "wrong-password", "csrf_token": bt[1]}, allow_redirects=False,
            timeout=60), browsers))
    failures = app.config["LOGIN_MAX_FAILURES"]
    assert sorted(r.status_code for r in responses) == [401] * (failures - 1) + [429] * (8 - failures + 1)
