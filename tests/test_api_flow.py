"""A grid worker's day over HTTP: WeChat login, bind, walk list, scan, upload, visit, ledger."""
import datetime as dt
import re

from sqlalchemy import select

from models import Pledge, User, Visit
from server.extensions import db as _db
from server.services.access.accounts import issue_invite_code
from tests.field import upload, visit_payload

API = "/api/mp/v1"


def test_a_worker_logs_in_with_wechat_binds_scans_records_and_sees_the_ledger_move(client, app, wechat, field):
    worker = field.users["worker_a1"]
    invite = issue_invite_code(worker)
    _db.session.commit()

    login = client.post(f"{API}/auth/login", json={"code": "wx-code-1:王网格"})
    assert login.status_code == 200
    assert login.get_json()["bound"] is False and login.get_json()["user"] is None
    bind_only = {"Authorization": f"Bearer {login.get_json()['token']}"}
    assert client.get(f"{API}/me", headers=bind_only).status_code == 403

    bound = client.post(f"{API}/auth/bind", json={"invite_code": invite}, headers=bind_only)
    assert bound.status_code == 200 and bound.get_json()["user"]["name"] == "王网格"
    headers = {"Authorization": f"Bearer {bound.get_json()['token']}"}

    again = client.post(f"{API}/auth/login", json={"code": "wx-code-2:王网格"})
    assert again.get_json()["bound"] is True, "the same WeChat user logs straight in next time"

    me = client.get(f"{API}/me", headers=headers).get_json()
    assert me["role"] == "grid_worker" and me["areas"][0]["id"] == field.grid_a1.id

    campaigns = client.get(f"{API}/campaigns?active=1", headers=headers).get_json()
    assert [m["code"] for m in campaigns[0]["materials"]] == ["notice", "pledge", "brochure"]
    assert campaigns[0]["pledge_text"]["version"] == 1 and len(campaigns[0]["pledge_text"]["sha256"]) == 64

    ledger_url = f"{API}/ledger?campaign_id={field.campaign.id}&area_id={field.grid_a1.id}"
    before = client.get(ledger_url, headers=headers).get_json()
    assert before["totals"]["households"] == 10 and before["totals"]["pledged"] == 0

    walk = client.get(f"{API}/households?grid_id={field.grid_a1.id}&campaign_id={field.campaign.id}&limit=4",
                      headers=headers).get_json()
    first = walk["items"][0]
    assert first["label"].startswith("1栋") and walk["next_cursor"]

    household = next(h for h in field.households_a1 if h.id == first["id"])
    scanned = client.get(f"{API}/households/by-qr/https://qiaomen.example.cn/q/{household.token}", headers=headers)
    assert scanned.status_code == 200 and scanned.get_json()["household"]["id"] == household.id
    assert re.fullmatch(r"\d{3}\*{4}\d{4}", scanned.get_json()["household"]["head_phone"])

    photo = upload(client, headers, "photo")
    signature = upload(client, headers, "signature")
    recorded = client.post(f"{API}/visits", headers=headers, json=visit_payload(
        field.campaign, household, materials=[{"code": "notice", "quantity": 1}, {"code": "pledge", "quantity": 1}],
        photo_file_id=photo, location={"lat": 29.53, "lng": 108.77, "accuracy_m": 12},
        pledge={"signer_name": "张三", "relation": "householder", "signature_file_id": signature},
        feedback={"category": "drop_off", "text": "楼下垃圾桶不够用"}))
    assert recorded.status_code == 201, recorded.get_json()
    body = recorded.get_json()
    assert body["progress"] == {**body["progress"], "visited": True, "contacted": True, "pledged": True,
                                "documented": True, "visits": 1}
    assert len(body["visit"]["pledge"]["content_sha256"]) == 64

    after = client.get(ledger_url, headers=headers).get_json()
    for counter in ("visited", "contacted", "pledged", "documented"):
        assert after["totals"][counter] == before["totals"][counter] + 1
    assert after["rates"]["pledged"] == round(1 / after["totals"]["in_scope"], 4)
    building = next(c for c in after["children"] if c["name"] == "1栋")
    assert building["totals"]["documented"] == 1

    card = client.get(f"{API}/households/by-qr/{household.token}", headers=headers).get_json()
    assert card["last_visits"][0]["pledged"] is True
    assert card["open_feedback"][0]["text"] == "楼下垃圾桶不够用"
    todo = client.get(f"{API}/households?grid_id={field.grid_a1.id}&campaign_id={field.campaign.id}&state=done",
                      headers=headers).get_json()
    assert [i["id"] for i in todo["items"]] == [household.id]


def test_the_walk_list_pages_in_door_order_by_cursor(client, app, field):
    from tests.field import bearer

    headers = bearer(app, field.users["worker_a1"])
    labels, cursor = [], None
    while True:
        url = f"{API}/households?grid_id={field.grid_a1.id}&campaign_id={field.campaign.id}&limit=3&state=all"
        page = client.get(url + (f"&cursor={cursor}" if cursor else ""), headers=headers).get_json()
        labels += [i["label"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert labels == [f"1栋1单元{room}" for room in ("101", "102", "201", "202", "301", "302")] + \
        [f"2栋1单元{room}" for room in ("101", "102", "201", "202")]
    bad = client.get(f"{API}/households?grid_id={field.grid_a1.id}&campaign_id={field.campaign.id}&cursor=zzz",
                     headers=headers)
    assert bad.status_code == 400


def test_revisits_are_the_households_not_home_last_time(client, app, field):
    from tests.field import bearer

    headers = bearer(app, field.users["worker_a1"])
    household = field.households_a1[2]
    assert client.post(f"{API}/visits", headers=headers,
                       json=visit_payload(field.campaign, household, "not_home")).status_code == 201
    url = f"{API}/households?grid_id={field.grid_a1.id}&campaign_id={field.campaign.id}"
    revisit = client.get(url + "&state=revisit", headers=headers).get_json()["items"]
    assert [i["id"] for i in revisit] == [household.id] and revisit[0]["progress"]["revisit_due"] is True
    todo = [i["id"] for i in client.get(url + "&state=todo", headers=headers).get_json()["items"]]
    assert household.id not in todo and len(todo) == 9


def test_the_pledge_records_the_text_version_and_a_digest_of_its_content(client, app, field):
    from server.services.pledges.chain import pledge_digest
    from tests.field import bearer

    headers = bearer(app, field.users["worker_a1"])
    signature = upload(client, headers, "signature")
    household = field.households_a1[0]
    client.post(f"{API}/visits", headers=headers, json=visit_payload(
        field.campaign, household, pledge={"signer_name": "张三", "relation": "tenant",
                                           "signature_file_id": signature}))
    pledge = _db.session.scalar(select(Pledge))
    text = field.campaign.current_pledge_text
    assert pledge.pledge_text_id == text.id and text.first_used_at is not None
    from models import StoredFile

    stored = _db.session.get(StoredFile, signature)
    assert (pledge.seq, pledge.previous_sha256, pledge.channel.value) == (1, None, "worker_visit")
    assert pledge.content_sha256 == pledge_digest(text, household.id, "张三", pledge.relation, stored.sha256,
                                                  pledge.channel, pledge.signed_at, 1, None)
    visit = _db.session.scalar(select(Visit))
    assert visit.received_at >= visit.visited_at - dt.timedelta(seconds=5)


def test_the_development_login_maps_a_code_to_a_stable_openid_and_refuses_production(client, app, field):
    first = client.post(f"{API}/auth/login", json={"code": "same-code"}).get_json()
    second = client.post(f"{API}/auth/login", json={"code": "same-code"}).get_json()
    assert first["bound"] is False and second["bound"] is False
    app.config["QIAOMEN_ENV"] = "production"
    refused = client.post(f"{API}/auth/login", json={"code": "same-code"})
    assert refused.status_code == 503 and "未配置" in refused.get_json()["message"]
    worker = _db.session.scalar(select(User).where(User.username == "worker_a1"))
    assert worker.wechat_openid is None
