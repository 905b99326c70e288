"""Campaigns run by street and district admins: made, edited (texts versioned), started, ended, deleted, copied;
bad input a Chinese message per field with nothing saved; a draft hidden from workers and residents; visits and
pledges accepted only while a campaign is active."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from models import AreaLevel, AuditEvent, Campaign, CampaignStatus, LedgerArea, NoticeText, Pledge, PledgeText, Role
from server.extensions import db as _db
from server.services.access.accounts import issue_invite_code
from server.services.access.scope import OutOfScope, get_campaign
from server.services.canvassing.campaign_lookup import CampaignRefused, campaign_for, current_campaign, get_run_campaign
from server.services.canvassing.campaign_texts import MaterialSpec, material_specs
from server.services.canvassing.campaigns import (CampaignError, activate_campaign, create_campaign, delete_campaign,
                                                  end_campaign, new_round, update_campaign)
from server.services.registry.areas import create_area
from tests.conftest import csrf_token_of
from tests.factories import make_building, make_households, make_tree, make_user
from tests.field import bearer, upload, visit_payload
from tests.resident import drawn_signature, sign
from tests.staff import invite_sign_in, sign_in

API = "/api/mp/v1"
START, END = dt.date(2026, 12, 1), dt.date(2026, 12, 31)
MATERIALS = [MaterialSpec("notice", "告知书", 500), MaterialSpec("pledge", "承诺书", 500),
             MaterialSpec("magnet", "冰箱贴", 200)]


@pytest.fixture
def office(db):
    """A district with two streets, an admin for the first street, one for the district and a head."""
    district, street, community, (grid,) = make_tree()
    other_street = create_area("城东街道", AreaLevel.STREET, district)
    households = make_households(make_building(grid, "1栋"), 4)
    users = {"sa": make_user(Role.STREET_ADMIN, [street], name="孙街道", username="street_admin"),
             "da": make_user(Role.DISTRICT_ADMIN, [district], name="钱区", username="district_admin"),
             "head": make_user(Role.COMMUNITY_HEAD, [community], name="李书记", username="head")}
    _db.session.commit()
    return dict(district=district, street=street, other_street=other_street, community=community, grid=grid,
                households=households, **users)


def _campaign(office, user="sa", area="street", **changes):
    fields = dict(name="城西街道冬季敲门行动", area=office[changes.pop("area", area)], start_date=START, end_date=END, materials=MATERIALS,
                  notice_text="各位居民：请分类投放。", pledge_title="承诺书", pledge_text="我家承诺分类投放。")
    fields.update(changes)
    return create_campaign(**fields, user=office[user] if user else None)


def _count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def _edit(campaign, user, **changes):
    fields = dict(name=campaign.name, area=campaign.area, start_date=campaign.start_date, end_date=campaign.end_date,
                  materials=[MaterialSpec(m.code, m.name, m.planned_quantity) for m in campaign.materials],
                  notice_text=campaign.current_notice_text.body, pledge_title=campaign.current_pledge_text.title,
                  pledge_text=campaign.current_pledge_text.body)
    fields.update(changes)
    return update_campaign(campaign, **fields, user=user)


def test_a_street_admin_creates_a_draft_with_its_materials_quantities_and_first_texts_audited(office):
    campaign = _campaign(office)
    assert campaign.status is CampaignStatus.DRAFT and campaign.area is office["street"]
    assert [(m.code, m.name, m.planned_quantity) for m in campaign.materials] == [
        ("notice", "告知书", 500), ("pledge", "承诺书", 500), ("magnet", "冰箱贴", 200)]
    assert (campaign.current_notice_text.version, campaign.current_notice_text.body) == (1, "各位居民：请分类投放。")
    assert campaign.current_pledge_text.version == 1 and len(campaign.current_pledge_text.sha256) == 64
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create_campaign"))
    assert (event.user_id, event.object_id) == (office["sa"].id, campaign.id)


@pytest.mark.parametrize("change, field, words", [
    ({"end_date": START - dt.timedelta(days=1)}, "end_date", "结束日期不能早于开始日期"),
    ({"area": "other_street"}, "area_id", "不在您的管辖范围内"),
    ({"pledge_text": "  "}, "pledge_text", "承诺书正文不能为空"),
    ({"materials": [MaterialSpec("notice", "告知书"), MaterialSpec("notice", "宣传单")]}, "material_code-1", "重复"),
    ({"name": ""}, "name", "请填写活动名称"),
    ({"end_date": dt.date(9999, 12, 31)}, "end_date", "日期应在 2000 年到 2100 年之间"),
    ({"end_date": START + dt.timedelta(days=3 * 365 + 1)}, "end_date", "一轮活动最长 3 年"),
    ({"materials": [MaterialSpec("notice", "告知书", -1)]}, "material_quantity-0", "负数"),
])
def test_bad_input_is_a_chinese_message_beside_its_field_and_nothing_is_saved(office, change, field, words):
    with pytest.raises(CampaignError) as refused:
        _campaign(office, **change)
    assert any(words in message for message in refused.value.errors[field]), refused.value.errors
    _db.session.rollback()
    assert (_count(Campaign), _count(PledgeText), _count(NoticeText), _count(AuditEvent)) == (0, 0, 0, 0)


def test_a_head_may_read_campaigns_but_not_create_or_run_them(office):
    campaign = _campaign(office)
    with pytest.raises(CampaignRefused):
        _campaign(office, user="head", area="community")
    assert get_campaign(office["head"], campaign.id) is campaign
    with pytest.raises(CampaignRefused):
        get_run_campaign(office["head"], campaign.id)
    with pytest.raises(CampaignRefused):
        activate_campaign(campaign, office["head"])


def test_a_district_campaign_is_read_by_a_street_admin_but_run_by_the_district(office):
    campaign = _campaign(office, user="da", area="district")
    assert get_campaign(office["sa"], campaign.id) is campaign
    with pytest.raises(OutOfScope):
        get_run_campaign(office["sa"], campaign.id)
    assert get_run_campaign(office["da"], campaign.id) is campaign


def test_a_campaign_over_another_street_is_out_of_scope(office):
    campaign = _campaign(office, user="da", area="other_street")
    with pytest.raises(OutOfScope):
        get_campaign(office["sa"], campaign.id)
    with pytest.raises(OutOfScope):
        get_campaign(office["head"], campaign.id)


def test_editing_a_text_publishes_a_new_version_and_a_signed_one_stays_as_signed(office, client):
    campaign = _campaign(office)
    activate_campaign(campaign, office["sa"])
    _db.session.commit()
    assert sign(client, office["households"][0].token).status_code == 200
    signed = _db.session.scalar(select(Pledge))
    _edit(campaign, office["sa"], pledge_text="我家承诺分类投放，并带动邻居。", notice_text="新的告知书。")
    _db.session.commit()
    assert [t.version for t in campaign.pledge_texts] == [1, 2]
    assert [(t.version, t.body) for t in campaign.notice_texts] == [(1, "各位居民：请分类投放。"), (2, "新的告知书。")]
    assert signed.text.version == 1 and signed.text.body == "我家承诺分类投放。"
    door = client.get(f"/q/{office['households'][0].token}").get_data(as_text=True)
    assert "新的告知书。" in door and "并带动邻居" in door and "请分类投放" not in door
    _edit(campaign, office["sa"], name="改个名字")
    assert len(campaign.pledge_texts) == 2 and len(campaign.notice_texts) == 2, "unchanged texts are not republished"


def test_editing_materials_keeps_those_handed_out_and_refuses_to_drop_them(office, client, app):
    campaign = _campaign(office)
    activate_campaign(campaign, office["sa"])
    worker = make_user(Role.GRID_WORKER, [office["grid"]], name="王网格")
    _db.session.commit()
    assert client.post(f"{API}/visits", headers=bearer(app, worker), json=visit_payload(
        campaign, office["households"][0], materials=[{"code": "magnet", "quantity": 1}])).status_code == 201
    with pytest.raises(CampaignError) as refused:
        _edit(campaign, office["sa"], materials=MATERIALS[:2])
    assert "冰箱贴" in str(refused.value) or "magnet" in str(refused.value)
    _db.session.rollback()
    _edit(campaign, office["sa"], materials=[MaterialSpec("magnet", "冰箱贴（大）", 300), MATERIALS[0]])
    assert [(m.code, m.name, m.planned_quantity) for m in campaign.materials] == [
        ("magnet", "冰箱贴（大）", 300), ("notice", "告知书", 500)]


def test_a_drafts_area_may_change_with_its_counters_and_a_started_ones_may_not(office):
    campaign = _campaign(office, user="da", area="other_street")  # a street with no households yet
    _edit(campaign, office["da"], area=office["street"])
    _db.session.flush()
    counted = dict(_db.session.execute(select(LedgerArea.area_id, LedgerArea.households)
                                       .where(LedgerArea.campaign_id == campaign.id)).all())
    assert counted[office["street"].id] == 4 and counted.get(office["other_street"].id, 0) == 0
    activate_campaign(campaign, office["da"])
    with pytest.raises(CampaignError) as refused:
        _edit(campaign, office["da"], area=office["community"])
    assert refused.value.errors["area_id"] == ["活动已启用，不能再更改区域"]


def test_a_campaign_goes_draft_active_ended_and_never_back(office):
    campaign = _campaign(office)
    with pytest.raises(CampaignError, match="只有进行中的活动可以结束"):
        end_campaign(campaign, office["sa"])
    activate_campaign(campaign, office["sa"])
    assert campaign.status is CampaignStatus.ACTIVE
    with pytest.raises(CampaignError, match="只有筹备中的活动可以启用"):
        activate_campaign(campaign, office["sa"])
    end_campaign(campaign, office["sa"])
    assert campaign.status is CampaignStatus.CLOSED and campaign.status.label == "已结束"
    with pytest.raises(CampaignError, match="只有筹备中的活动可以启用"):
        activate_campaign(campaign, office["sa"])
    with pytest.raises(CampaignError, match="活动已结束"):
        _edit(campaign, office["sa"], name="再改")
    actions = _db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["create_campaign", "activate_campaign", "end_campaign"]


@pytest.mark.parametrize("first, second", [("district", "street"), ("street", "community"), ("street", "street")])
def test_two_active_campaigns_over_overlapping_areas_are_refused_naming_the_other(office, first, second):
    running = _campaign(office, user="da", area=first, name="全区行动")
    activate_campaign(running)
    draft = _campaign(office, user="da", area=second, name="另一个行动")
    with pytest.raises(CampaignError) as refused:
        activate_campaign(draft, office["da"])
    assert "全区行动" in refused.value.errors["status"][0]
    assert draft.status is CampaignStatus.DRAFT
    with pytest.raises(CampaignError, match="全区行动"):
        _campaign(office, user="da", area=second, status=CampaignStatus.ACTIVE)


def test_active_campaigns_over_separate_streets_run_side_by_side(office):
    activate_campaign(_campaign(office, user="da", area="street"))
    other = activate_campaign(_campaign(office, user="da", area="other_street"))
    assert other.status is CampaignStatus.ACTIVE


def test_a_campaign_with_visits_cannot_be_deleted_and_one_without_goes_with_its_counters(office, client, app):
    kept = _campaign(office, area="community")
    activate_campaign(kept, office["sa"])
    worker = make_user(Role.GRID_WORKER, [office["grid"]], name="王网格")
    _db.session.commit()
    assert client.post(f"{API}/visits", headers=bearer(app, worker),
                       json=visit_payload(kept, office["households"][0], "not_home")).status_code == 201
    with pytest.raises(CampaignError, match="已有走访记录，不能删除"):
        delete_campaign(kept, office["sa"])
    gone = _campaign(office, name="草稿")
    assert _db.session.scalar(select(func.count()).select_from(LedgerArea).where(LedgerArea.campaign_id == gone.id))
    gone_id = gone.id
    delete_campaign(gone, office["sa"])
    _db.session.commit()
    assert _db.session.get(Campaign, gone_id) is None
    assert not _db.session.scalar(select(func.count()).select_from(LedgerArea).where(LedgerArea.campaign_id == gone_id))
    assert _db.session.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "delete_campaign")) == gone_id


def test_a_new_round_copies_materials_and_current_texts_into_a_draft_for_the_next_period(office):
    campaign = _campaign(office)
    _edit(campaign, office["sa"], pledge_text="第二版承诺。")
    later = new_round(campaign, dt.date(2027, 3, 1), dt.date(2027, 3, 31), user=office["sa"])
    assert later.status is CampaignStatus.DRAFT and later.area is campaign.area and later.name.startswith(campaign.name)
    assert [(m.code, m.name, m.planned_quantity) for m in later.materials] == [
        (m.code, m.name, m.planned_quantity) for m in campaign.materials]
    assert (later.current_pledge_text.version, later.current_pledge_text.body) == (1, "第二版承诺。")
    assert later.current_notice_text.body == campaign.current_notice_text.body
    named = new_round(campaign, dt.date(2027, 4, 1), dt.date(2027, 4, 30), name="春季回头看", user=office["sa"])
    assert named.name == "春季回头看"
    with pytest.raises(CampaignError) as refused:
        new_round(campaign, dt.date(2027, 4, 1), dt.date(2027, 3, 1), user=office["sa"])
    assert "end_date" in refused.value.errors


def test_materials_named_only_get_their_usual_codes():
    assert [(m.code, m.name) for m in material_specs(["告知书", "承诺书", "宣传手册", "冰箱贴", "环保袋"])] == [
        ("notice", "告知书"), ("pledge", "承诺书"), ("brochure", "宣传手册"), ("m1", "冰箱贴"), ("m2", "环保袋")]


# -- what workers and residents see ----------------------------------------------------------------------------

def test_the_api_lists_a_started_campaign_with_its_current_notice_and_quantities(office, client, app):
    campaign = _campaign(office)
    activate_campaign(campaign)
    _edit(campaign, None, notice_text="第二版告知书。")
    worker = make_user(Role.GRID_WORKER, [office["grid"]], name="王网格")
    _db.session.commit()
    (listed,) = client.get(f"{API}/campaigns", headers=bearer(app, worker)).get_json()
    assert listed["notice_text"]["version"] == 2 and listed["notice_text"]["body"] == "第二版告知书。"
    assert listed["materials"][0] == {"code": "notice", "name": "告知书", "planned_quantity": 500}


def test_a_draft_is_invisible_to_workers_and_residents(office, client, app):
    draft = _campaign(office)
    worker = make_user(Role.GRID_WORKER, [office["grid"]], name="王网格")
    _db.session.commit()
    headers = bearer(app, worker)
    assert client.get(f"{API}/campaigns", headers=headers).get_json() == []
    grid, household = office["grid"], office["households"][0]
    assert client.get(f"{API}/households?grid_id={grid.id}&campaign_id={draft.id}", headers=headers).status_code == 404
    assert client.get(f"{API}/households/by-qr/{household.token}?campaign_id={draft.id}",
                      headers=headers).status_code == 404
    assert client.get(f"{API}/households/by-qr/{household.token}", headers=headers).get_json()["campaign_id"] is None
    door = client.get(f"/q/{household.token}").get_data(as_text=True)
    assert draft.name not in door and "请分类投放" not in door
    assert current_campaign(grid) is None and campaign_for(grid, draft.id) is None
    assert campaign_for(grid, draft.id, drafts=True) is draft  # heads' and admins' pages
    invite_sign_in(client, issue_invite_code(worker))  # the worker's own web pages
    assert draft.name not in client.get("/staff/").get_data(as_text=True)
    assert draft.name not in client.get("/w/").get_data(as_text=True)
    head = app.test_client()
    sign_in(head, "head")
    assert draft.name in head.get("/staff/").get_data(as_text=True)


@pytest.mark.parametrize("status, expected", [("draft", 404), ("closed", 422)])
def test_a_draft_or_ended_campaign_refuses_visits_and_pledges(office, client, app, status, expected):
    campaign = _campaign(office)
    if status == "closed":
        activate_campaign(campaign)
        end_campaign(campaign)
    worker = make_user(Role.GRID_WORKER, [office["grid"]], name="王网格")
    _db.session.commit()
    headers = bearer(app, worker)
    signature = upload(client, headers, "signature")
    household = office["households"][0]
    response = client.post(f"{API}/visits", headers=headers, json=visit_payload(
        campaign, household, pledge={"signer_name": "张三", "relation": "householder", "signature_file_id": signature}))
    assert response.status_code == expected
    if expected == 422:
        assert "该活动不在进行中" in response.get_json()["errors"]["campaign_id"]
    door = client.get(f"/q/{household.token}").get_data(as_text=True)
    assert 'data-testid="pledge-form"' not in door
    refused = client.post(f"/q/{household.token}/pledge", data={  # a form kept open from before
        "csrf_token": csrf_token_of(client.get("/login").get_data(as_text=True)), "form_key": "a" * 32,
        "signer_name": "张三", "relation": "householder", "consent": "1", "signature": drawn_signature()})
    assert refused.status_code == 404
    assert (_count(Pledge), _db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "record_visit"))) == (0, 0)
