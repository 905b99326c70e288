"""Buildings on the map: placed by heads in their scope and audited, suggested from accurate contacted visits,
and the GPS-distance flag checked against confirmed positions only."""
import json
import math
import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import AuditEvent, Building, Outcome, PositionSource
from server.extensions import db as _db
from server.services.access.scope import OutOfScope
from server.services.registry.positions import (NoSuggestion, PlacementRefused, PositionOutOfRange, accept_suggestion,
                                                count_unplaced, place_building, suggestions_under)
from server.services.reports.worker_activity import flags
from tests.factories import make_building, make_households, make_visit
from tests.staff import sign_in


def unplaced(grid, name="9栋", households=3):
    building = make_building(grid, name, lat=None, lng=None)
    make_households(building, households)
    return building


def fixes(field, building, points, outcome=Outcome.CONTACTED, accuracy_m=10):
    """One visit per point, by worker_a1, at the building's households in turn."""
    homes = building_households(building)
    return [make_visit(field.campaign, homes[n % len(homes)], field.users["worker_a1"], outcome, lat, lng, accuracy_m)
            for n, (lat, lng) in enumerate(points)]


def building_households(building):
    from models import Household
    return list(_db.session.scalars(select(Household).where(Household.building_id == building.id)
                                    .order_by(Household.id)))


def audit_events(action="place_building"):
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_buildings_that_came_with_a_position_count_as_imported_and_those_without_have_no_source(field):
    imported = make_building(field.grid_a1, "5栋")
    bare = make_building(field.grid_a1, "6栋", lat=None, lng=None)
    assert imported.position_source is PositionSource.IMPORTED and imported.has_position
    assert bare.position_source is None and not bare.has_position


def test_the_database_refuses_a_latitude_without_a_longitude(field):
    _db.session.add(Building(community_id=field.community_a.id, grid_id=field.grid_a1.id, name="7栋", lat=29.5))
    with pytest.raises(IntegrityError):
        _db.session.flush()
    _db.session.rollback()


def test_a_head_places_a_building_of_their_community_and_each_move_is_audited_with_old_and_new_position(field):
    head = field.users["head_a"]
    building = unplaced(field.grid_a1)
    place_building(head, building, 29.5401, 108.7802, ip="10.0.0.1")
    assert (building.lat, building.lng, building.position_source) == (29.5401, 108.7802, PositionSource.PLACED)
    assert building.positioned_by_id == head.id and building.positioned_at is not None
    place_building(head, building, "29.5405", "108.7806")  # a form sends text
    first, second = audit_events()
    assert (first.user_id, first.object_type, first.object_id, first.ip) == (head.id, "building", building.id, "10.0.0.1")
    assert json.loads(first.detail) == {"from": None, "from_source": None, "to": [29.5401, 108.7802], "source": "placed"}
    assert json.loads(second.detail)["from"] == [29.5401, 108.7802]
    assert json.loads(second.detail)["to"] == [29.5405, 108.7806]


def test_a_street_admin_places_a_building_anywhere_in_their_street(field):
    building = unplaced(field.grid_b1)
    place_building(field.users["street_admin"], building, 29.55, 108.79)
    assert building.position_source is PositionSource.PLACED and building.lat == 29.55


def test_a_building_outside_the_heads_community_is_out_of_scope_and_stays_where_it_was(field):
    building = unplaced(field.grid_b1)
    with pytest.raises(OutOfScope):
        place_building(field.users["head_a"], building, 29.55, 108.79)
    assert not building.has_position and audit_events() == []


@pytest.mark.parametrize("lat, lng, field_name", [(91, 108.77, "lat"), (29.53, 181, "lng"), (40.7, -74.0, "lng"),
                                                  ("北纬", 108.77, "lat"), (math.nan, 108.77, "lat"),
                                                  (None, 108.77, "lat")])
def test_a_position_outside_china_or_not_a_number_is_refused_and_nothing_changes(field, lat, lng, field_name):
    building = make_building(field.grid_a1, "8栋", lat=29.53, lng=108.77)
    with pytest.raises(PositionOutOfRange) as refused:
        place_building(field.users["head_a"], building, lat, lng)
    assert field_name in refused.value.errors and re.search("[\u4e00-\u9fff]", refused.value.errors[field_name])
    assert (building.lat, building.lng, building.position_source) == (29.53, 108.77, PositionSource.IMPORTED)
    assert audit_events() == []


def test_a_grid_worker_cannot_place_a_building_even_in_their_own_grid(field):
    building = unplaced(field.grid_a1)
    with pytest.raises(PlacementRefused):
        place_building(field.users["worker_a1"], building, 29.55, 108.79)
    assert not building.has_position


def test_three_accurate_contacted_fixes_suggest_the_median_of_each_coordinate(field):
    building = unplaced(field.grid_a1)
    fixes(field, building, [(29.5409, 108.7801), (29.5401, 108.7805), (29.5403, 108.7803)], accuracy_m=50)
    suggestion = suggestions_under(field.community_a)[building.id]
    assert (suggestion.lat, suggestion.lng, suggestion.fixes) == (29.5403, 108.7803, 3)


def test_with_an_even_number_of_fixes_the_suggestion_is_the_middle_of_the_two_middle_ones(field):
    building = unplaced(field.grid_a1)
    fixes(field, building, [(29.5400, 108.7800), (29.5402, 108.7804), (29.5404, 108.7806), (29.5460, 108.7900)])
    suggestion = suggestions_under(field.community_a)[building.id]
    assert suggestion.lat == pytest.approx(29.5403) and suggestion.lng == pytest.approx(108.7805)


@pytest.mark.parametrize("case", ["two fixes", "worse than 50 m", "not contacted", "no accuracy", "no fix"])
def test_no_suggestion_without_three_accurate_contacted_fixes(field, case):
    building = unplaced(field.grid_a1)
    points = [(29.5401, 108.7801), (29.5402, 108.7802), (29.5403, 108.7803)]
    fixes(field, building, points[:2])  # two good fixes in every case
    if case == "worse than 50 m":
        fixes(field, building, points[2:], accuracy_m=50.5)
    elif case == "not contacted":
        fixes(field, building, points[2:], outcome=Outcome.NOT_HOME)
    elif case == "no accuracy":
        fixes(field, building, points[2:], accuracy_m=None)
    elif case == "no fix":
        make_visit(field.campaign, building_households(building)[0], field.users["worker_a1"], accuracy_m=5)
    assert building.id not in suggestions_under(field.community_a)


def test_accepting_a_suggestion_confirms_it_as_the_buildings_position_and_it_is_audited(field):
    building = unplaced(field.grid_a1)
    fixes(field, building, [(29.5401, 108.7801), (29.5402, 108.7802), (29.5403, 108.7803)])
    accept_suggestion(field.users["head_a"], building)
    assert (building.lat, building.lng, building.position_source) == (29.5402, 108.7802, PositionSource.ACCEPTED)
    assert json.loads(audit_events()[0].detail)["source"] == "accepted"
    assert building.id not in suggestions_under(field.community_a)  # confirmed: no longer a suggestion


def test_a_building_placed_elsewhere_is_no_longer_suggested_and_there_is_nothing_to_accept(field):
    building = unplaced(field.grid_a1)
    fixes(field, building, [(29.5401, 108.7801), (29.5402, 108.7802), (29.5403, 108.7803)])
    place_building(field.users["head_a"], building, 29.56, 108.80)
    assert building.id not in suggestions_under(field.community_a)
    with pytest.raises(NoSuggestion):
        accept_suggestion(field.users["head_a"], building)
    assert (building.lat, building.position_source) == (29.56, PositionSource.PLACED)


def test_the_gps_flag_ignores_unplaced_and_suggested_buildings_and_fires_from_a_confirmed_position(field):
    building = unplaced(field.grid_a1)
    far = (29.5500, 108.7802)  # about 1 km north of the other two
    fixes(field, building, [(29.5401, 108.7801), (29.5402, 108.7802), far])
    assert building.id in suggestions_under(field.community_a)
    assert [f for f in flags(field.campaign, field.community_a) if f.kind == "far_gps"] == []
    accept_suggestion(field.users["head_a"], building)
    far_flags = [f for f in flags(field.campaign, field.community_a) if f.kind == "far_gps"]
    assert len(far_flags) == 1 and far_flags[0].visits[0].lat == far[0]


def test_the_workers_page_says_how_many_buildings_in_scope_it_cannot_check(client, field):
    unplaced(field.grid_a1, "9栋"), unplaced(field.grid_a2, "10栋")
    _db.session.commit()
    assert count_unplaced(field.community_a) == 2 and count_unplaced(field.community_b) == 0
    sign_in(client, "head_a")
    assert "2 栋楼尚未定位，无法核对GPS距离" in client.get("/dashboard/workers").get_data(as_text=True)
    other = client.application.test_client()
    sign_in(other, "head_b")
    assert "尚未定位" not in other.get("/dashboard/workers").get_data(as_text=True)


def map_token(client) -> str:
    page = client.get("/dashboard/map").get_data(as_text=True)
    return re.search(r'data-csrf="([^"]+)"', page).group(1)


def test_the_map_lists_unplaced_buildings_with_their_suggestions_and_a_head_drags_one_into_place(client, field):
    building, plain = unplaced(field.grid_a1, "9栋"), unplaced(field.grid_a1, "10栋")
    fixes(field, building, [(29.5401, 108.7801), (29.5402, 108.7802), (29.5403, 108.7803)])
    sign_in(client, "head_a")
    data = client.get("/dashboard/map.json").get_json()
    listed = {row["id"]: row for row in data["unplaced"]}
    assert set(listed) == {building.id, plain.id} and listed[plain.id]["suggestion"] is None
    assert listed[building.id]["suggestion"]["lat"] == 29.5402 and data["may_place"] is True
    assert {row["source"] for row in data["buildings"]} == {"imported"}
    headers = {"X-CSRFToken": map_token(client), "Accept": "application/json"}
    moved = client.post(listed[plain.id]["position_url"], json={"lat": 29.5411, "lng": 108.7811}, headers=headers)
    assert moved.status_code == 200 and moved.get_json()["source"] == "placed"
    accepted = client.post(listed[building.id]["suggestion"]["accept_url"], json={}, headers=headers)
    assert accepted.get_json()["source"] == "accepted"
    data = client.get("/dashboard/map.json").get_json()
    assert data["unplaced"] == [] and {plain.id, building.id} <= {row["id"] for row in data["buildings"]}


def test_the_position_endpoint_refuses_bad_input_in_the_one_error_shape_and_moves_nothing(client, field):
    building = unplaced(field.grid_a1)
    sign_in(client, "head_a")
    headers = {"X-CSRFToken": map_token(client), "Accept": "application/json"}
    for body, bad in (({"lat": 95, "lng": 108.77}, "lat"), ({"lat": 29.53}, "lng"), ({"lat": "x", "lng": 1}, "lat"),
                      ([29.5, 108.7], "lat"), ("29.5,108.7", "lat")):
        answer = client.post(f"/dashboard/buildings/{building.id}/position", json=body, headers=headers)
        assert answer.status_code == 422 and set(answer.get_json()) == {"code", "status", "message", "errors"}
        assert bad in answer.get_json()["errors"], answer.get_json()
    no_token = client.post(f"/dashboard/buildings/{building.id}/position", json={"lat": 29.5, "lng": 108.7},
                           headers={"Accept": "application/json"})
    assert no_token.status_code == 400 and no_token.get_json()["message"] == "页面已过期，请刷新页面后重试"
    assert not _db.session.get(Building, building.id).has_position and audit_events() == []


def test_a_form_post_places_the_building_and_returns_to_the_map_with_a_message(client, field):
    building = unplaced(field.grid_a1)
    sign_in(client, "head_a")
    token = map_token(client)
    answer = client.post(f"/dashboard/buildings/{building.id}/position", follow_redirects=True,
                         data={"csrf_token": token, "lat": "29.5405", "lng": "108.7805"})
    assert f"已标注 {building.name} 的位置" in answer.get_data(as_text=True)
    assert _db.session.get(Building, building.id).lat == 29.5405


def test_another_communitys_head_gets_404_for_the_building_and_it_does_not_move(client, field):
    building = unplaced(field.grid_a1)
    sign_in(client, "head_b")
    headers = {"X-CSRFToken": map_token(client), "Accept": "application/json"}
    answer = client.post(f"/dashboard/buildings/{building.id}/position", json={"lat": 29.5, "lng": 108.7},
                         headers=headers)
    assert answer.status_code == 404 and answer.get_json()["code"] == 404
    assert client.post(f"/dashboard/buildings/{building.id}/position/accept", headers=headers).status_code == 404
    assert not _db.session.get(Building, building.id).has_position


def test_the_building_page_says_where_its_position_came_from_and_who_placed_it(client, field):
    building = unplaced(field.grid_a1)
    _db.session.commit()
    sign_in(client, "head_a")
    assert "尚未定位，无法核对GPS距离" in client.get(f"/dashboard/buildings/{building.id}").get_data(as_text=True)
    place_building(field.users["head_a"], _db.session.get(Building, building.id), 29.54, 108.78)
    page = client.get(f"/dashboard/buildings/{building.id}").get_data(as_text=True)
    assert "位置：手动标注（李书记，" in page


def test_a_form_post_with_a_position_outside_china_says_so_on_the_map_and_moves_nothing(client, field):
    building = unplaced(field.grid_a1)
    sign_in(client, "head_a")
    answer = client.post(f"/dashboard/buildings/{building.id}/position", follow_redirects=True,
                         data={"csrf_token": map_token(client), "lat": "29.54", "lng": "18.78"})
    page = answer.get_data(as_text=True)
    assert answer.request.path == "/dashboard/map" and "位置有误，楼栋未移动：经度超出范围" in page
    assert not _db.session.get(Building, building.id).has_position and audit_events() == []
