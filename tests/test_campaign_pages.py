"""The dashboard's campaign pages: admins create, edit, start, end, delete and copy campaigns in their areas; heads
read them; beyond one's areas is 404; errors beside their field; an empty database lands on the campaign list."""
import re

import pytest
from sqlalchemy import func, select

from models import AreaLevel, AuditEvent, Campaign, CampaignStatus, Role
from server.extensions import db as _db
from server.services.access.accounts import set_password
from server.services.registry.areas import create_area
from tests.conftest import csrf_token_of
from tests.factories import make_campaign, make_user
from tests.staff import PASSWORD, sign_in


@pytest.fixture
def draft(field):
    """A draft over community A, which the street admin runs, head A reads and head B never sees."""
    campaign = make_campaign(field.community_a, name="金桥社区回头看", status=CampaignStatus.DRAFT)
    _db.session.commit()
    return campaign


def _form(client, url) -> dict:
    """The fields of the form at ``url`` as the browser would send them unchanged."""
    html = client.get(url).get_data(as_text=True)
    fields = {"csrf_token": csrf_token_of(html)}
    for name, value in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', html):
        fields.setdefault(name, value)
    for name, value in re.findall(r'<input[^>]*?value="([^"]*)"[^>]*?name="([^"]+)"', html):
        fields.setdefault(value, name)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        fields[name] = body.replace("&#34;", '"').replace("&#39;", "'").replace("&lt;", "<").replace(
            "&gt;", ">").replace("&amp;", "&")
    select_ = re.search(r'<select[^>]*name="area_id".*?</select>', html, re.S)
    if select_:
        chosen = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', select_.group(0))
        fields["area_id"] = next(g for g in chosen.groups() if g)
    return fields


def _routes(campaign) -> list:
    c = campaign.id
    return [("GET", "/dashboard/campaigns"), ("GET", "/dashboard/campaigns/new"), ("POST", "/dashboard/campaigns/new"),
            ("GET", f"/dashboard/campaigns/{c}"), ("GET", f"/dashboard/campaigns/{c}/edit"),
            ("POST", f"/dashboard/campaigns/{c}/edit"), ("POST", f"/dashboard/campaigns/{c}/activate"),
            ("POST", f"/dashboard/campaigns/{c}/end"), ("POST", f"/dashboard/campaigns/{c}/new-round"),
            ("POST", f"/dashboard/campaigns/{c}/delete")]


# Who gets what, route by route (same order as _routes): ok = 200, 302 or 400 (a form sent empty).
MATRIX = {
    "street_admin": ["ok"] * 10,
    "head_a": ["ok", 403, 403, "ok", 403, 403, 403, 403, 403, 403],
    "head_b": ["ok", 403, 403, 404, 404, 404, 404, 404, 404, 404],
    "worker_a1": [403] * 10,
    None: [302] * 10,
}


@pytest.mark.parametrize("caller", list(MATRIX))
def test_campaign_pages_answer_each_caller_as_the_permission_matrix_says(client, app, field, draft, caller):
    if caller == "worker_a1":
        set_password(field.users["worker_a1"], PASSWORD)
        _db.session.commit()
    if caller:
        sign_in(client, caller)
    app.config["WTF_CSRF_ENABLED"] = False  # the permission check must answer, not the CSRF check
    for (method, url), expected in zip(_routes(draft), MATRIX[caller]):
        status = client.open(url, method=method).status_code
        if expected == "ok":
            assert status in (200, 302, 400), (caller, method, url, status)
        else:
            assert status == expected, (caller, method, url, status)


def test_a_district_campaign_is_read_by_the_street_admin_but_not_run_by_them(client, app, field):
    sign_in(client, "street_admin")
    page = client.get(f"/dashboard/campaigns/{field.campaign.id}").get_data(as_text=True)
    assert field.campaign.name in page and 'data-testid="activate"' not in page and "上级管理员" in page
    app.config["WTF_CSRF_ENABLED"] = False
    for action in ("edit", "end", "delete", "new-round"):
        assert client.post(f"/dashboard/campaigns/{field.campaign.id}/{action}").status_code == 404, action
    assert _db.session.get(Campaign, field.campaign.id).status is CampaignStatus.ACTIVE


def test_an_admin_creates_a_campaign_sees_errors_beside_fields_fixes_them_and_activates(client, field):
    field.campaign.status = CampaignStatus.CLOSED  # the district's round is over; the street runs the next
    _db.session.commit()
    sign_in(client, "street_admin")
    form = _form(client, "/dashboard/campaigns/new")
    assert [form[f"material_name-{i}"] for i in range(3)] == ["告知书", "承诺书", "宣传手册"]
    assert form["material_name-3"] == "" and form["area_id"] == str(field.street.id)
    form.update({"name": "城西街道冬季行动", "start_date": "2026-12-10", "end_date": "2026-12-01",
                 "material_code-1": "notice", "material_quantity-0": "800", "pledge_text": ""})
    page = client.post("/dashboard/campaigns/new", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert re.search(r'name="end_date"[^>]*>\s*</label>\s*<p class="qm-field-error" data-testid="error-end_date">'
                     r'结束日期不能早于开始日期', html)
    assert 'data-testid="error-material_code-1">资料编码“notice”重复了' in html
    assert 'data-testid="error-pledge_text">承诺书正文不能为空' in html
    assert _db.session.scalar(select(func.count()).select_from(Campaign)) == 1
    form.update({"end_date": "2027-01-10", "material_code-1": "pledge", "pledge_text": "本户承诺分类投放。",
                 "material_code-3": "magnet", "material_name-3": "冰箱贴", "material_quantity-3": "300"})
    created = client.post("/dashboard/campaigns/new", data=form)
    assert created.status_code == 302
    campaign = _db.session.scalar(select(Campaign).where(Campaign.name == "城西街道冬季行动"))
    assert created.headers["Location"] == f"/dashboard/campaigns/{campaign.id}"
    assert campaign.status is CampaignStatus.DRAFT and campaign.area_id == field.street.id
    assert [(m.code, m.name, m.planned_quantity) for m in campaign.materials] == [
        ("notice", "告知书", 800), ("pledge", "承诺书", None), ("brochure", "宣传手册", None), ("magnet", "冰箱贴", 300)]
    detail = client.get(created.headers["Location"]).get_data(as_text=True)
    client.post(f"/dashboard/campaigns/{campaign.id}/activate", data={"csrf_token": csrf_token_of(detail)})
    assert _db.session.get(Campaign, campaign.id).status is CampaignStatus.ACTIVE
    listing = client.get("/dashboard/campaigns").get_data(as_text=True)
    assert re.search(r"城西街道冬季行动</a></td>\s*<td><span class=\"qm-tag\" data-testid=\"campaign-status\">进行中", listing)
    actions = _db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "campaign", AuditEvent.user_id == field.users["street_admin"].id)).all()
    assert actions == ["create_campaign", "activate_campaign"]


def test_an_area_beyond_the_admins_is_refused_beside_the_field(client, field):
    other = create_area("城东街道", AreaLevel.STREET, field.district)
    _db.session.commit()
    sign_in(client, "street_admin")
    form = _form(client, "/dashboard/campaigns/new")
    assert f'value="{other.id}"' not in client.get("/dashboard/campaigns/new").get_data(as_text=True)
    form.update({"name": "越界", "area_id": str(other.id)})
    html = client.post("/dashboard/campaigns/new", data=form).get_data(as_text=True)
    assert 'data-testid="error-area_id">这个区域不在您的管辖范围内' in html
    form.update({"area_id": "abc"})  # a tampered select
    html = client.post("/dashboard/campaigns/new", data=form).get_data(as_text=True)
    assert 'data-testid="error-area_id">请选择活动区域' in html and "Invalid" not in html
    assert _db.session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_activating_over_a_running_campaign_names_it_and_changes_nothing(client, field, draft):
    sign_in(client, "street_admin")
    detail = client.get(f"/dashboard/campaigns/{draft.id}").get_data(as_text=True)
    answer = client.post(f"/dashboard/campaigns/{draft.id}/activate", data={"csrf_token": csrf_token_of(detail)},
                         follow_redirects=True).get_data(as_text=True)
    assert f"“{field.campaign.name}”" in answer and "正在进行" in answer
    assert _db.session.get(Campaign, draft.id).status is CampaignStatus.DRAFT


def test_editing_the_pledge_text_shows_the_new_version_and_keeps_the_old_one_listed(client, field, draft):
    sign_in(client, "street_admin")
    form = _form(client, f"/dashboard/campaigns/{draft.id}/edit")
    form["pledge_text"] = "本户承诺：分类投放，带动邻居。"
    assert client.post(f"/dashboard/campaigns/{draft.id}/edit", data=form).status_code == 302
    page = client.get(f"/dashboard/campaigns/{draft.id}").get_data(as_text=True)
    assert "第 2 版（当前）" in page and "带动邻居" in page and "<summary>第 1 版</summary>" in page
    assert [t.version for t in _db.session.get(Campaign, draft.id).pledge_texts] == [1, 2]


def test_delete_and_new_round_from_the_detail_page(client, field, draft):
    sign_in(client, "street_admin")
    detail = client.get(f"/dashboard/campaigns/{draft.id}").get_data(as_text=True)
    token = csrf_token_of(detail)
    bad = client.post(f"/dashboard/campaigns/{draft.id}/new-round",
                      data={"csrf_token": token, "start_date": "2027-03-01", "end_date": "2027-02-01"})
    assert bad.status_code == 400 and 'data-testid="error-end_date">结束日期不能早于开始日期' in bad.get_data(as_text=True)
    made = client.post(f"/dashboard/campaigns/{draft.id}/new-round",
                       data={"csrf_token": token, "name": "春季回头看", "start_date": "2027-03-01",
                             "end_date": "2027-03-31"})
    later = _db.session.scalar(select(Campaign).where(Campaign.name == "春季回头看"))
    assert made.headers["Location"] == f"/dashboard/campaigns/{later.id}" and later.status is CampaignStatus.DRAFT
    draft_id = draft.id
    gone = client.post(f"/dashboard/campaigns/{draft_id}/delete", data={"csrf_token": token})
    assert gone.headers["Location"] == "/dashboard/campaigns"
    assert _db.session.scalar(select(Campaign.id).where(Campaign.id == draft_id)) is None
    kept = client.post(f"/dashboard/campaigns/{field.campaign.id}/delete", data={"csrf_token": token})
    assert kept.status_code == 404  # the district's, not the street admin's


def test_an_admin_on_an_empty_database_lands_on_the_campaign_list_with_a_new_campaign_button(client, db):
    district = create_area("清溪区", AreaLevel.DISTRICT)
    street = create_area("城西街道", AreaLevel.STREET, district)
    make_user(Role.STREET_ADMIN, [street], name="孙街道", username="first_admin")
    head_area = create_area("金桥社区", AreaLevel.COMMUNITY, street)
    make_user(Role.COMMUNITY_HEAD, [head_area], name="李书记", username="first_head")
    _db.session.commit()
    signed_in = sign_in(client, "first_admin")
    landing = client.get(signed_in.headers["Location"], follow_redirects=True)
    html = landing.get_data(as_text=True)
    assert landing.status_code == 200 and landing.request.path == "/dashboard/campaigns"
    assert "新建活动" in html and "还没有敲门行动" in html
    head = client.application.test_client()
    sign_in(head, "first_head")
    page = head.get("/dashboard/", follow_redirects=True).get_data(as_text=True)
    assert "还没有敲门行动" in page and "新建活动" not in page and "街道或区管理员" in page


def test_a_head_reads_a_district_campaigns_figures_for_their_own_community_only(client, app, field):
    from server.services.canvassing.campaign_figures import campaign_figures
    from tests.field import bearer, visit_payload

    headers = bearer(app, field.users["worker_b1"])
    client.post("/api/mp/v1/visits", json=visit_payload(field.campaign, field.households_b1[0]), headers=headers)
    figures = {who: campaign_figures([field.campaign], field.users[who] if who else None)[field.campaign.id]
               for who in ("head_a", "head_b", "street_admin", None)}
    assert [(f.in_scope, f.contacted, f.visits) for f in figures.values()] == [
        (14, 0, 0), (4, 1, 1), (18, 1, 1), (18, 1, 1)]
    sign_in(client, "head_a")
    row = client.get("/dashboard/campaigns").get_data(as_text=True).split('data-testid="campaign-row"')[1]
    assert "<td>14</td>" in row and "<td>18</td>" not in row
