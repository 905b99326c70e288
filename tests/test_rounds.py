"""Two rounds compared: each round's figures are the ledger's, per area, community and grid, with the change in
percentage points; the same campaign twice, or an area a campaign does not cover, is refused."""
import datetime as dt
import re

import pytest

from models import CampaignStatus
from server.extensions import db
from server.services.ledger.counters import ledger_view
from server.services.reports import RoundsRefused, agreement, compare_rounds, default_rounds
from tests.factories import make_campaign
from tests.field import bearer
from tests.rounds import two_rounds
from tests.staff import sign_in

API = "/api/mp/v1"


def test_each_rounds_figures_are_the_ledgers_for_the_area_each_community_and_each_grid(client, app, field):
    rounds = two_rounds(client, app, field)
    compared = compare_rounds(rounds.first, rounds.second, field.street)
    assert [(row.name, row.level) for row in compared.rows] == [
        ("城西街道", "street"), ("金桥社区", "community"), ("滨江社区", "community"),
        ("金桥社区 · 第一网格", "grid"), ("金桥社区 · 第二网格", "grid"), ("滨江社区 · 第一网格", "grid")]
    for campaign, side in ((rounds.first, "before"), (rounds.second, "after")):
        street = ledger_view(campaign, field.street)
        ledger = {street.node.id: street.node} | {row.id: row for row in street.children}
        for community in (field.community_a, field.community_b):
            ledger |= {row.id: row for row in ledger_view(campaign, community).children}
        for row in compared.rows:
            figures = getattr(row, side)
            assert figures.counts == ledger[row.id].counts
            assert {k: figures.rates[k] for k in ledger[row.id].rates} == ledger[row.id].rates
        checked = {a.area_id: (a.checked, a.agreed) for a in agreement(campaign, field.street)[1]}
        grid = next(row for row in compared.rows if row.id == field.grid_a1.id)
        assert (getattr(grid, side).checked, getattr(grid, side).agreed) == checked[field.grid_a1.id]


def test_the_change_is_after_minus_before_in_percentage_points_and_none_without_a_figure(client, app, field):
    rounds = two_rounds(client, app, field)
    rows = {row.id: row for row in compare_rounds(rounds.first, rounds.second, field.street).rows}
    grid = rows[field.grid_a1.id]
    # 10 doors in A1: 3 entered in round 1; in round 2 six, one found false: 5.
    assert (grid.before.counts["contacted"], grid.after.counts["contacted"]) == (3, 5)
    assert (grid.before.rates["contacted"], grid.after.rates["contacted"], grid.change["contacted"]) == (0.3, 0.5, 20.0)
    assert (grid.before.rates["knowledge"], grid.after.rates["knowledge"], grid.change["knowledge"]) == (0.5, 1.0, 50.0)
    assert (grid.before.rates["satisfaction"], grid.after.rates["satisfaction"]) == (1.0, 0.75)
    assert grid.change["satisfaction"] == -25.0
    assert (grid.before.checked, grid.before.rates["agreement"]) == (1, 1.0)
    assert (grid.after.checked, grid.after.rates["agreement"], grid.change["agreement"]) == (1, 0.0, -100.0)
    community = rows[field.community_a.id]
    assert (community.before.counts["contacted"], community.after.counts["contacted"]) == (4, 5)
    assert community.change["contacted"] == round((5 / 14 - 4 / 14) * 100, 2) == 7.14
    assert community.change["agreement"] == -100.0
    grid_a2 = rows[field.grid_a2.id]
    assert (grid_a2.change["contacted"], grid_a2.change["knowledge"]) == (-25.0, None)
    assert grid_a2.after.rates["agreement"] is None and grid_a2.change["agreement"] is None
    assert rows[field.community_b.id].change["contacted"] == 0.0


def test_a_campaign_compared_with_itself_or_over_an_area_it_does_not_cover_is_refused(field):
    smaller = make_campaign(field.community_b, name="滨江回头看", status=CampaignStatus.CLOSED)
    db.session.commit()
    with pytest.raises(RoundsRefused, match="两个不同的活动"):
        compare_rounds(field.campaign, field.campaign, field.community_a)
    with pytest.raises(RoundsRefused, match="金桥社区不在活动“滨江回头看”的范围内"):
        compare_rounds(field.campaign, smaller, field.community_a)
    with pytest.raises(RoundsRefused, match="城西街道不在活动"):
        compare_rounds(smaller, field.campaign, field.street)
    assert compare_rounds(field.campaign, smaller, field.grid_b1).rows[0].name == "第一网格"


def test_the_default_rounds_are_the_two_latest_campaigns_over_the_area_the_older_first(field):
    assert default_rounds(field.community_a) is None
    later = make_campaign(field.district, name="第二轮", start=dt.date(2099, 1, 1),
                          end=dt.date(2099, 2, 1), status=CampaignStatus.DRAFT)
    make_campaign(field.community_b, name="滨江回头看", start=later.start_date, end=later.end_date,
                  status=CampaignStatus.CLOSED)
    db.session.commit()
    assert default_rounds(field.community_a) is None, "a draft is left out unless asked for"
    assert default_rounds(field.community_a, drafts=True) == (field.campaign, later)


# -- the API -----------------------------------------------------------------------------------------------

def _compare(client, app, user, **query):
    return client.get(f"{API}/rounds/compare", query_string=query, headers=bearer(app, user))


def test_the_api_answers_each_row_with_both_rounds_and_the_change(client, app, field):
    rounds = two_rounds(client, app, field)
    response = _compare(client, app, field.users["head_a"], before=rounds.first.id, after=rounds.second.id,
                        area=field.community_a.id)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["before"]["name"], body["after"]["name"], body["area"]["name"]) == ("第一轮", "第二轮", "金桥社区")
    grid = next(row for row in body["rows"] if row["id"] == field.grid_a1.id)
    assert grid["before"]["totals"]["contacted"] == 3 and grid["after"]["rates"]["contacted"] == 0.5
    assert (grid["after"]["checked"], grid["after"]["rates"]["agreement"]) == (1, 0.0)
    assert (grid["change"]["contacted"], grid["change"]["agreement"]) == (20.0, -100.0)
    assert [row["level"] for row in body["rows"]] == ["community", "grid", "grid"]


def test_a_head_of_another_community_gets_404_for_the_area_and_for_a_campaign_outside_their_scope(client, app, field):
    rounds = two_rounds(client, app, field)
    theirs = make_campaign(field.community_a, name="金桥回头看", status=CampaignStatus.CLOSED)
    db.session.commit()
    head_b = field.users["head_b"]
    outside = _compare(client, app, head_b, before=rounds.first.id, after=rounds.second.id, area=field.community_a.id)
    assert outside.status_code == 404 and outside.get_json()["message"] == "没有这个区域，或它不在您的范围内"
    hidden = _compare(client, app, head_b, before=rounds.first.id, after=theirs.id, area=field.community_b.id)
    assert hidden.status_code == 404 and hidden.get_json()["message"] == "没有这个活动，或它不在您的范围内"
    assert _compare(client, app, head_b, before=rounds.first.id, after=999999).status_code == 404
    worker = _compare(client, app, field.users["worker_a1"], before=rounds.first.id, after=rounds.second.id)
    assert worker.status_code == 403


def test_the_same_campaign_twice_or_an_uncovered_area_is_a_400_with_the_error_shape(client, app, field):
    smaller = make_campaign(field.community_b, name="滨江回头看", status=CampaignStatus.CLOSED)
    db.session.commit()
    admin = field.users["street_admin"]
    same = _compare(client, app, admin, before=field.campaign.id, after=field.campaign.id, area=field.street.id)
    assert same.status_code == 400
    assert set(same.get_json()) == {"code", "status", "message", "errors"}
    assert same.get_json()["message"] == "请选择两个不同的活动进行对比"
    uncovered = _compare(client, app, admin, before=field.campaign.id, after=smaller.id, area=field.street.id)
    assert uncovered.status_code == 400 and "不在活动“滨江回头看”的范围内" in uncovered.get_json()["message"]
    missing = _compare(client, app, admin, before=field.campaign.id)
    assert missing.status_code == 422 and "after" in missing.get_json()["errors"]


# -- the dashboard page -------------------------------------------------------------------------------------

def test_the_page_shows_the_two_latest_rounds_by_default_with_each_communitys_change(client, app, field):
    rounds = two_rounds(client, app, field)
    sign_in(client, "street_admin")
    page = client.get("/dashboard/rounds", query_string={"area": field.street.id})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "轮次对比" in html and f'<option value="{rounds.first.id}" selected' in html
    row = re.search(rf'data-testid="round-row-{field.community_a.id}">(.*?)</tr>', html, re.S).group(1)
    assert "28.6%" in row and "35.7%" in row and '<span class="qd-up">+7.1</span>' in row
    assert '<span class="qd-down">-100.0</span>' in row


def test_the_page_refuses_a_campaign_twice_in_a_flash_and_a_campaign_outside_scope_is_404(client, app, field):
    theirs = make_campaign(field.community_b, name="滨江回头看", status=CampaignStatus.CLOSED)
    db.session.commit()
    sign_in(client, "head_a")
    same = client.get("/dashboard/rounds", query_string={"before": field.campaign.id, "after": field.campaign.id})
    assert same.status_code == 400 and "请选择两个不同的活动进行对比" in same.get_data(as_text=True)
    assert client.get("/dashboard/rounds", query_string={"before": field.campaign.id,
                                                         "after": theirs.id}).status_code == 404
    half = client.get("/dashboard/rounds", query_string={"before": field.campaign.id})
    assert half.status_code == 400 and "请选择第一轮和第二轮两个活动" in half.get_data(as_text=True)
    alone = client.get("/dashboard/rounds").get_data(as_text=True)
    assert 'data-testid="rounds-empty"' in alone
