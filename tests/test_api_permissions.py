"""Every mini-program route, every role, every object: no token 401, wrong role 403, outside scope 404."""
import datetime as dt

import jwt
import pytest

from models import User
from server.app import create_app
from server.extensions import limiter
from server.services.access.tokens import issue_token
from tests.conftest import IsolatedClient, _test_config
from tests.field import bearer, upload, visit_payload

API = "/api/mp/v1"


def _request(kind, f):
    """The request a route is probed with, naming an object in community A's first grid (or B's)."""
    a, b = f.households_a1[0], f.households_b1[0]
    return {
        "me": ("GET", f"{API}/me", None),
        "campaigns": ("GET", f"{API}/campaigns?active=1", None),
        "walk_a1": ("GET", f"{API}/households?grid_id={f.grid_a1.id}&campaign_id={f.campaign.id}", None),
        "walk_b1": ("GET", f"{API}/households?grid_id={f.grid_b1.id}&campaign_id={f.campaign.id}", None),
        "scan_a1": ("GET", f"{API}/households/by-qr/{a.token}", None),
        "scan_b1": ("GET", f"{API}/households/by-qr/{b.token}", None),
        "visit_a1": ("POST", f"{API}/visits", visit_payload(f.campaign, a, "not_home")),
        "visit_b1": ("POST", f"{API}/visits", visit_payload(f.campaign, b, "not_home")),
        "sync_a1": ("POST", f"{API}/sync", {"visits": [visit_payload(f.campaign, a, "not_home")]}),
        "ledger_a1": ("GET", f"{API}/ledger?campaign_id={f.campaign.id}&area_id={f.grid_a1.id}", None),
        "ledger_b": ("GET", f"{API}/ledger?campaign_id={f.campaign.id}&area_id={f.community_b.id}", None),
        "ledger_street": ("GET", f"{API}/ledger?campaign_id={f.campaign.id}&area_id={f.street.id}", None),
        "files": ("POST", f"{API}/files", "upload"),
        # One campaign in the field: compared with itself, a caller who may ask is answered 400, not 200.
        "rounds_a": ("GET", f"{API}/rounds/compare?before={f.campaign.id}&after={f.campaign.id}"
                            f"&area={f.community_a.id}", None),
        "rounds_street": ("GET", f"{API}/rounds/compare?before={f.campaign.id}&after={f.campaign.id}"
                                 f"&area={f.street.id}", None),
    }[kind]


# What each caller gets: 200/201 allowed, 403 wrong role, 404 outside scope.
MATRIX = {
    #                 worker_a1 worker_b1 volunteer_a head_a head_b street_admin
    "me":            (200, 200, 200, 200, 200, 200),
    "campaigns":     (200, 200, 200, 200, 200, 200),
    "walk_a1":       (200, 404, 200, 200, 404, 200),
    "walk_b1":       (404, 200, 404, 404, 200, 200),
    "scan_a1":       (200, 404, 200, 200, 404, 200),
    "scan_b1":       (404, 200, 404, 404, 200, 200),
    "visit_a1":      (201, 404, 201, 201, 404, 403),
    "visit_b1":      (404, 201, 404, 404, 201, 403),
    "sync_a1":       (200, 200, 200, 200, 200, 403),
    "ledger_a1":     (200, 404, 200, 200, 404, 200),
    "ledger_b":      (404, 404, 404, 404, 200, 200),
    "ledger_street": (404, 404, 404, 404, 404, 200),
    "files":         (201, 201, 201, 201, 201, 403),
    "rounds_a":      (403, 403, 403, 400, 404, 400),
    "rounds_street": (403, 403, 403, 404, 404, 400),
}
CALLERS = ("worker_a1", "worker_b1", "volunteer_a", "head_a", "head_b", "street_admin")


@pytest.mark.parametrize("route", MATRIX)
@pytest.mark.parametrize("caller", CALLERS)
def test_each_role_reaches_exactly_what_its_areas_allow(client, app, field, route, caller):
    method, url, body = _request(route, field)
    headers = bearer(app, field.users[caller])
    if body == "upload":
        import io

        from tests.field import jpeg

        response = client.post(url, headers=headers, data={"kind": "photo", "file": (io.BytesIO(jpeg()), "p.jpg")})
    else:
        response = client.open(url, method=method, json=body, headers=headers)
    assert response.status_code == MATRIX[route][CALLERS.index(caller)], response.get_json()


def test_sync_reports_an_item_outside_the_callers_grids_as_not_found(client, app, field):
    body = {"visits": [visit_payload(field.campaign, field.households_b1[0], "not_home")]}
    result = client.post(f"{API}/sync", json=body, headers=bearer(app, field.users["worker_a1"])).get_json()
    assert result["results"][0]["status"] == "not_found"


def test_a_file_uploaded_by_someone_else_cannot_be_attached(client, app, field):
    theirs = upload(client, bearer(app, field.users["worker_b1"]), "photo")
    response = client.post(f"{API}/visits", headers=bearer(app, field.users["worker_a1"]),
                           json=visit_payload(field.campaign, field.households_a1[0], photo_file_id=theirs))
    assert response.status_code == 422 and "photo_file_id" in response.get_json()["errors"]


ROUTES = [("GET", f"{API}/me"), ("GET", f"{API}/campaigns"), ("GET", f"{API}/households?grid_id=1&campaign_id=1"),
          ("GET", f"{API}/households/by-qr/x"), ("POST", f"{API}/files"), ("POST", f"{API}/visits"),
          ("POST", f"{API}/sync"), ("GET", f"{API}/ledger?campaign_id=1"), ("POST", f"{API}/auth/bind")]


def _tokens(secret_key):
    """Every kind of token the API must refuse, for a user and sign-in that need not exist: none reaches a lookup."""
    user = User(id=1, token_version=0)
    good = issue_token(secret_key, dt.timedelta(hours=1), user=user, session_id="a-sign-in")
    expired = issue_token(secret_key, dt.timedelta(hours=1), user=user, session_id="a-sign-in",
                          now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2))
    header, payload, signature = good.split(".")
    tampered = f"{header}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    unsigned = jwt.encode(jwt.decode(good, options={"verify_signature": False}), None, algorithm="none")
    foreign = issue_token("another-secret", dt.timedelta(hours=1), user=user, session_id="a-sign-in")
    return {"missing": None, "expired": expired, "tampered": tampered, "alg_none": unsigned, "foreign": foreign,
            "garbage": "not.a.token"}


@pytest.fixture(scope="module")
def app_without_tables(tmp_path_factory):
    """The app on an empty in-memory database: a request that reached the database would fail, not answer 401."""
    return create_app({**_test_config("sqlite://", tmp_path_factory.mktemp("uploads"))})


@pytest.fixture
def tableless_client(app_without_tables):
    with app_without_tables.app_context():
        limiter.reset()
        app_without_tables.test_client_class = IsolatedClient
        yield app_without_tables.test_client()


@pytest.mark.parametrize("kind", ["missing", "expired", "tampered", "alg_none", "foreign", "garbage"])
@pytest.mark.parametrize("method, url", ROUTES)
def test_a_missing_expired_tampered_or_unsigned_token_is_401(tableless_client, app_without_tables, kind, method, url):
    """Refused before any lookup: these tests run with no database at all, so once, not on each backend."""
    token = _tokens(app_without_tables.config["SECRET_KEY"])[kind]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = tableless_client.open(url, method=method, json={}, headers=headers)
    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"} and body["code"] == 401


def test_raising_the_token_version_revokes_every_token_issued(client, app, field):
    worker = field.users["worker_a1"]
    headers = bearer(app, worker)
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    worker.token_version += 1
    assert client.get(f"{API}/me", headers=headers).status_code == 401


def test_a_deactivated_account_is_refused(client, app, field):
    worker = field.users["worker_a1"]
    headers = bearer(app, worker)
    worker.active = False
    assert client.get(f"{API}/me", headers=headers).status_code == 401
