"""The head's dashboard: scoped to the head's area, live figures, feedback replies, vacancies, invites, imports."""
import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from models import (AreaLevel, AuditEvent, CampaignStatus, Feedback, FeedbackStatus, LedgerArea, LedgerDay, Occupancy,
                    User)
from server.extensions import db as _db
from server.services.access.accounts import set_password
from server.services.reports.rankings import rankings
from server.timefmt import local_today
from tests.conftest import csrf_token_of
from tests.factories import make_campaign
from tests.field import bearer, upload, visit_payload
from tests.staff import PASSWORD, sign_in

API = "/api/mp/v1"


@pytest.fixture
def visited(client, app, field):
    """A few visits in community A: contacted with evidence and a pledge, not at home, feedback."""
    headers = bearer(app, field.users["worker_a1"])
    photo, signature = upload(client, headers, "photo"), upload(client, headers, "signature")
    evidence = {"materials": [{"code": "notice", "quantity": 1}, {"code": "brochure", "quantity": 2}],
                "photo_file_id": photo,
                "pledge": {"signer_name": "张三", "relation": "householder", "signature_file_id": signature},
                "feedback": {"category": "drop_off", "text": "希望多设一个投放点"}}
    client.post(f"{API}/visits", json=visit_payload(field.campaign, field.households_a1[0], **evidence), headers=headers)
    client.post(f"{API}/visits", json=visit_payload(field.campaign, field.households_a1[1], "not_home"), headers=headers)
    return field


def routes(f):
    """Every dashboard route, naming objects in community A."""
    h, b = f.households_a1[0], f.households_a1[0].building_id
    feedback = _db.session.scalar(select(Feedback.id))
    q = f"?campaign={f.campaign.id}&area={f.community_a.id}"
    draft = make_campaign(f.community_a, name="金桥社区回头看", status=CampaignStatus.DRAFT)
    return [("GET", f"/dashboard/campaigns/{draft.id}"), ("GET", f"/dashboard/{q}"), ("GET", f"/dashboard/map{q}"),
            ("GET", f"/dashboard/map.json{q}"),
            ("GET", f"/dashboard/buildings/{b}"), ("POST", f"/dashboard/buildings/{b}/position"),
            ("POST", f"/dashboard/buildings/{b}/position/accept"), ("GET", f"/dashboard/households/{h.id}"),
            ("POST", f"/dashboard/households/{h.id}/vacant"), ("POST", f"/dashboard/households/{h.id}/vacant/revert"),
            ("GET", f"/dashboard/revisits{q}"), ("GET", f"/dashboard/assignments{q}"),
            ("POST", f"/dashboard/assignments{q}"), ("POST", f"/dashboard/assignments/remove{q}"),
            ("GET", f"/dashboard/revisits/print{q}"), ("GET", f"/dashboard/workers{q}"),
            ("GET", f"/dashboard/feedback{q}"), ("POST", f"/dashboard/feedback/{feedback}/reply"),
            ("POST", f"/dashboard/feedback/{feedback}/close"), ("GET", f"/dashboard/export.xlsx{q}"),
            ("POST", f"/dashboard/export{q}"), ("GET", f"/dashboard/jobs{q}"),
            ("GET", f"/dashboard/rankings{q}"), ("GET", f"/dashboard/team{q}"), ("GET", f"/dashboard/import{q}"),
            ("GET", f"/dashboard/import/template.xlsx{q}"),
            ("POST", f"/dashboard/team/{f.users['worker_a1'].id}/deactivate{q}"),
            ("POST", f"/dashboard/team/{f.users['worker_a1'].id}/invite{q}"),
            ("POST", f"/dashboard/areas/{f.community_a.id}/children"),
            ("GET", f"/dashboard/team/roster{q}"), ("GET", f"/dashboard/team/roster-template.xlsx{q}"),
            ("POST", f"/dashboard/team/roster/confirm{q}")]


@pytest.mark.parametrize("caller, expected", [("head_a", "ok"), ("street_admin", "ok"), ("head_b", 404),
                                              ("worker_a1", 403), (None, 302)])
def test_every_dashboard_route_is_scoped(client, app, visited, caller, expected):
    if caller == "worker_a1":
        set_password(visited.users["worker_a1"], PASSWORD)
        _db.session.commit()
    if caller:
        sign_in(client, caller)
    app.config["WTF_CSRF_ENABLED"] = False  # the scope check must answer, not the CSRF check
    for method, url in routes(visited):
        response = client.open(url, method=method, data={"reply": "收到"})
        if expected == "ok":
            assert response.status_code in (200, 302), (url, response.status_code)
        else:
            assert response.status_code == expected, (url, response.status_code)


def test_the_overview_shows_the_live_ledger(client, visited):
    sign_in(client, "head_a")
    page = client.get("/dashboard/").get_data(as_text=True)
    row = _db.session.get(LedgerArea, (visited.campaign.id, visited.community_a.id))
    assert (row.contacted, row.pledged, row.documented, row.revisit_due) == (1, 1, 1, 1)
    for key, value in (("in_scope", row.in_scope), ("contacted", 1), ("pledged", 1), ("documented", 1)):
        assert re.search(rf'figure-{key}">\s*<div class="qd-figure__label">[^<]+</div>\s*<div class="qd-figure__value">'
                         rf'{value}</div>', page), key
    assert "告知书 1 份" in page and "宣传手册 2 份" in page and "待回复 1" in page
    trend = re.search(r'id="trend-data">(.*?)</script>', page).group(1)
    assert '"visits": 2' in trend and '"pledges": 1' in trend


def test_a_building_chart_colours_each_household_by_its_state(client, visited):
    sign_in(client, "head_a")
    page = client.get(f"/dashboard/buildings/{visited.households_a1[0].building_id}").get_data(as_text=True)
    assert page.count('class="cell s-documented"') == 1 and page.count('class="cell s-not_home"') == 1
    assert page.count('class="cell s-not_visited"') == 4


def test_the_household_record_shows_photos_signatures_verification_and_masks_the_phone(client, app, visited):
    sign_in(client, "head_a")
    household = visited.households_a1[0]
    page = client.get(f"/dashboard/households/{household.id}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    photo = re.search(r'src="(/dashboard/files/[0-9a-f]+)" alt="宣传图片"', page).group(1)
    assert client.get(photo).mimetype == "image/jpeg"
    assert "/pledges/" in page and "希望多设一个投放点" in page
    assert _db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "view_household")) == 1
    other = app.test_client()
    sign_in(other, "head_b")
    assert other.get(photo).status_code == 404


def test_a_head_replies_to_feedback_and_the_resident_sees_it_at_the_door(client, app, visited):
    sign_in(client, "head_a")
    inbox = client.get("/dashboard/feedback?status=open").get_data(as_text=True)
    feedback = _db.session.scalar(select(Feedback))
    assert "希望多设一个投放点" in inbox
    token = csrf_token_of(inbox)
    client.post(f"/dashboard/feedback/{feedback.id}/reply", data={"reply": "已在3栋旁增设投放点", "csrf_token": token})
    assert _db.session.get(Feedback, feedback.id).status is FeedbackStatus.REPLIED
    door = app.test_client().get(f"/q/{visited.households_a1[0].token}").get_data(as_text=True)  # the resident
    assert "社区回复：已在3栋旁增设投放点" in door
    client.post(f"/dashboard/feedback/{feedback.id}/close", data={"csrf_token": token})
    assert _db.session.get(Feedback, feedback.id).status is FeedbackStatus.CLOSED
    assert "平均" in client.get("/dashboard/feedback").get_data(as_text=True)


def test_confirming_a_vacancy_takes_the_household_out_of_the_denominator(client, visited):
    sign_in(client, "head_a")
    household = visited.households_a1[5]
    before = _db.session.get(LedgerArea, (visited.campaign.id, visited.community_a.id)).in_scope
    token = csrf_token_of(client.get(f"/dashboard/households/{household.id}").get_data(as_text=True))
    client.post(f"/dashboard/households/{household.id}/vacant", data={"csrf_token": token})
    _db.session.expire_all()
    assert _db.session.get(LedgerArea, (visited.campaign.id, visited.community_a.id)).in_scope == before - 1
    assert household.occupancy is Occupancy.VACANT
    from server.services.ledger.rebuild import rebuild_ledger

    assert rebuild_ledger(visited.campaign).rollups_fixed == []


def test_a_head_invites_a_worker_whose_code_binds_in_the_mini_program_and_can_deactivate_them(client, app, field):
    sign_in(client, "head_a")
    page = client.get("/dashboard/team").get_data(as_text=True)
    response = client.post("/dashboard/team", data={"csrf_token": csrf_token_of(page), "name": "新网格员",
                                                    "role": "grid_worker", "grid": field.grid_a2.id})
    html = response.get_data(as_text=True)
    code = re.search(r'data-testid="invite-code">([A-Z2-9]{5}-[A-Z2-9]{5})<', html).group(1)
    assert 'src="data:image/png;base64,' in html
    login = client.post(f"{API}/auth/login", json={"code": "new-phone"}).get_json()
    bound = client.post(f"{API}/auth/bind", json={"invite_code": code},
                        headers={"Authorization": f"Bearer {login['token']}"})
    assert bound.status_code == 200 and bound.get_json()["user"]["areas"][0]["id"] == field.grid_a2.id
    worker = _db.session.scalar(select(User).where(User.name == "新网格员"))
    headers = {"Authorization": f"Bearer {bound.get_json()['token']}"}
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    client.post(f"/dashboard/team/{worker.id}/deactivate", data={"csrf_token": csrf_token_of(html)})
    assert client.get(f"{API}/me", headers=headers).status_code == 401
    grid_b = client.post("/dashboard/team", data={"csrf_token": csrf_token_of(html), "name": "越权",
                                                  "role": "grid_worker", "grid": field.grid_b1.id})
    assert grid_b.status_code == 200 and "越权" not in [u.name for u in _db.session.scalars(select(User))]


@pytest.mark.parametrize("action", ["invite", "deactivate"])
def test_a_worker_spanning_two_communities_is_managed_by_neither_head_alone_but_by_the_street(client, app, field,
                                                                                              action):
    from models import Role
    from tests.factories import make_user

    shared = make_user(Role.GRID_WORKER, [field.grid_a1, field.grid_b1], name="吴跨区", username="shared")
    _db.session.commit()
    for head in ("head_a", "head_b"):
        browser = app.test_client()
        sign_in(browser, head)
        page = browser.get("/dashboard/team").get_data(as_text=True)
        row = re.search(r"<tr><td>吴跨区</td>.*?</tr>", page, re.S).group(0)
        assert "跨区域，由上级管理" in row and "/dashboard/team/" not in row
        refused = browser.post(f"/dashboard/team/{shared.id}/{action}", data={"csrf_token": csrf_token_of(page)})
        assert refused.status_code == 404, head
    worker = _db.session.get(User, shared.id)
    assert worker.active and worker.token_version == 0
    assert len(worker_invites(shared)) == 1, "neither head made a new invite code"
    sign_in(client, "street_admin")
    page = client.get(f"/dashboard/team?area={field.street.id}").get_data(as_text=True)
    managed = client.post(f"/dashboard/team/{shared.id}/{action}?area={field.street.id}",
                          data={"csrf_token": csrf_token_of(page)})
    assert managed.status_code in (200, 302)


def worker_invites(worker):
    from models import InviteCode

    return list(_db.session.scalars(select(InviteCode).where(InviteCode.user_id == worker.id)))


def test_a_head_imports_households_and_rows_of_other_communities_are_refused(client, field):
    sign_in(client, "head_a")

    def upload_and_preview(text):
        page = client.get("/dashboard/import").get_data(as_text=True)
        response = client.post("/dashboard/import", data={"csrf_token": csrf_token_of(page),
                                                          "file": (io.BytesIO(text.encode()), "r.csv")},
                               content_type="multipart/form-data")
        preview_url = response.headers["Location"]
        return preview_url, client.get(preview_url).get_data(as_text=True)

    good = "街道,社区,网格,楼栋,单元,楼层,户号,户主,电话,状态\n城西街道,金桥社区,第二网格,8栋,1,,101,,,入住\n"
    preview_url, html = upload_and_preview(good)
    response = client.post(preview_url.split("?")[0] + "/confirm", data={"csrf_token": csrf_token_of(html)},
                           follow_redirects=True)
    assert "新增 1 户" in response.get_data(as_text=True)
    bad = good + "城西街道,滨江社区,第一网格,9栋,1,,101,,,入住\n"
    _, html = upload_and_preview(bad)
    assert "第 3 行「社区」：“滨江社区”不在您的管辖范围内" in html and "不能导入" in html
    community_a = _db.session.get(LedgerArea, (field.campaign.id, field.community_a.id))
    assert community_a.households == 15


def test_rankings_show_week_on_week_change_from_the_daily_counters(client, app, visited):
    campaign = visited.campaign
    today = local_today()
    rows = rankings(campaign, visited.street, AreaLevel.COMMUNITY, today=today)
    a = next(r for r in rows if r.area.id == visited.community_a.id)
    assert a.contacted == 1 and a.contact_rate_week_ago == 0 and a.contact_change == round(a.contact_rate * 100, 1)
    old = _db.session.scalars(select(LedgerDay).where(LedgerDay.area_id == visited.community_a.id)).one()
    old.day = today - dt.timedelta(days=10)  # as if contacted ten days ago
    _db.session.commit()
    a = next(r for r in rankings(campaign, visited.street, AreaLevel.COMMUNITY, today=today)
             if r.area.id == visited.community_a.id)
    assert a.contact_change == 0.0
    sign_in(client, "street_admin")
    page = client.get(f"/dashboard/rankings?area={visited.street.id}").get_data(as_text=True)
    assert "社区排名" in page and "网格排名" in page and "金桥社区" in page


def test_worker_flags_catch_bursts_far_gps_and_reused_images(client, app, field):
    headers = bearer(app, field.users["worker_a1"])
    signature = upload(client, headers, "signature")
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    households = field.households_a1 + field.households_a1[2:4]  # 12 knocks in six minutes
    for n, household in enumerate(households):
        extra = {"visited_at": (start + dt.timedelta(seconds=30 * n)).isoformat()}
        if n < 2:
            extra["pledge"] = {"signer_name": "张三", "relation": "family", "signature_file_id": signature}
        if n == 3:
            extra["location"] = {"lat": 29.60, "lng": 108.77, "accuracy_m": 10}
        client.post(f"{API}/visits", json=visit_payload(field.campaign, household, **extra), headers=headers)
    sign_in(client, "head_a")
    page = client.get("/dashboard/workers").get_data(as_text=True)
    assert "10 分钟内走访" in page and "定位距楼栋" in page and "同一个签名图片用于 2 户" in page
    assert "王网格" in page


def test_a_head_finds_every_household_not_yet_reached(client, visited):
    sign_in(client, "head_a")
    page = client.get("/dashboard/revisits").get_data(as_text=True)
    row = _db.session.get(LedgerArea, (visited.campaign.id, visited.community_a.id))
    assert f'data-testid="revisit-count">{row.revisit_due}<' in page
    assert f'data-testid="unvisited-count">{row.in_scope - row.visited}<' in page
    assert visited.households_a1[1].label in page  # not at home: due a revisit
    assert visited.households_a2[0].label in page  # nobody has knocked yet
