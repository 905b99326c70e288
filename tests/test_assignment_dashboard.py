"""The assignment page, the building chart's 改派, the workers' assigned progress and the area's target."""
from __future__ import annotations

from sqlalchemy import select

from models import Assignment, Building
from server.extensions import db
from tests.conftest import csrf_token_of
from tests.staff import sign_in


def _buildings(field, grid):
    return list(db.session.scalars(select(Building).where(Building.grid_id == grid.id).order_by(Building.name)))


def _post(client, url, data):
    token = csrf_token_of(client.get("/dashboard/campaigns").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_a_head_assigns_ticked_buildings_and_the_page_lists_those_still_unassigned(client, field):
    sign_in(client, "head_a")
    one, two = _buildings(field, field.grid_a1)
    q = f"?campaign={field.campaign.id}&area={field.community_a.id}"
    response = _post(client, f"/dashboard/assignments{q}",
                     {"building": [one.id, two.id], "worker": field.users["worker_a1"].id})
    assert response.status_code == 302
    assert db.session.scalars(select(Assignment.building_id).order_by(Assignment.building_id)).all() == [one.id, two.id]
    page = client.get(f"/dashboard/assignments{q}").get_data(as_text=True)
    unassigned = page.split('data-testid="unassigned"')[1].split("</ul>")[0]
    assert "3栋" in unassigned and "1栋" not in unassigned


def test_a_building_outside_the_heads_community_is_not_found_and_a_worker_of_another_grid_is_refused(client, field):
    sign_in(client, "head_a")
    q = f"?campaign={field.campaign.id}&area={field.community_a.id}"
    (other,) = _buildings(field, field.grid_b1)
    assert _post(client, f"/dashboard/assignments{q}",
                 {"building": [other.id], "worker": field.users["worker_a1"].id}).status_code == 404
    (three,) = _buildings(field, field.grid_a2)
    response = _post(client, f"/dashboard/assignments{q}",
                     {"building": [three.id], "worker": field.users["worker_a1"].id})
    assert response.status_code == 302
    assert "3栋不在王网格的网格内" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(Assignment.id)) is None


def test_reassigning_from_the_building_chart_returns_to_it_and_the_workers_page_shows_assigned_progress(client, field):
    sign_in(client, "head_a")
    one, _ = _buildings(field, field.grid_a1)
    q = f"?campaign={field.campaign.id}&area={field.grid_a1.id}&building={one.id}"
    _post(client, f"/dashboard/assignments{q}", {"building": [one.id], "worker": field.users["worker_a1"].id})
    response = _post(client, f"/dashboard/assignments{q}",
                     {"building": [one.id], "worker": field.users["volunteer_a"].id})
    assert response.headers["Location"].startswith(f"/dashboard/buildings/{one.id}")
    assert "整栋：钱志愿" in client.get(response.headers["Location"]).get_data(as_text=True)
    workers = client.get(f"/dashboard/workers?campaign={field.campaign.id}&area={field.community_a.id}")
    table = workers.get_data(as_text=True).split('data-testid="worker-progress"')[1].split("</table>")[0]
    assert "钱志愿</td><td>6</td>" in table and "王网格" not in table


def test_a_street_admin_sets_a_target_on_the_campaign_page_and_the_overview_projects_it(client, field):
    sign_in(client, "head_a")
    assert 'data-testid="target-form"' not in client.get(f"/dashboard/campaigns/{field.campaign.id}").get_data(
        as_text=True)
    _post(client, "/logout", {})
    sign_in(client, "street_admin")
    response = _post(client, f"/dashboard/campaigns/{field.campaign.id}/target",
                     {"area": field.community_a.id, "percent": 95, "due_date": field.campaign.end_date.isoformat()})
    assert response.status_code == 302
    assert "金桥社区：95%" in client.get(f"/dashboard/campaigns/{field.campaign.id}").get_data(as_text=True)
    page = client.get(f"/dashboard/?campaign={field.campaign.id}&area={field.community_a.id}").get_data(as_text=True)
    assert "前入户率 95%" in page and ("按目前进度，截止日预计" in page or "尚无进度可推算" in page)
    refused = _post(client, f"/dashboard/campaigns/{field.campaign.id}/target",
                    {"area": field.community_a.id, "percent": 150, "due_date": field.campaign.end_date.isoformat()})
    assert refused.status_code == 400 and "目标入户率应在 1 到 100 之间" in refused.get_data(as_text=True)
