"""One getter per kind of object a route names (``scope.get_<kind>``): the object when it lies in the caller's
areas, ``OutOfScope`` when it lies beyond them or does not exist; and ``OutOfScope`` answered 404 once, as the
error page for a page and in the error shape for the API."""
import uuid

import pytest

from models import CampaignStatus, Feedback, FeedbackCategory, FileKind, Role, StoredFile
from server.extensions import db
from server.services.access import scope
from server.services.access.scope import NOT_FOUND, OutOfScope
from tests.answers import assert_error_shape
from tests.factories import make_campaign, make_user, make_visit
from tests.field import bearer
from tests.staff import sign_in

MISSING = 987_654


def _feedback(field, household):
    feedback = Feedback(campaign_id=field.campaign.id, household_id=household.id,
                        category=FeedbackCategory.OTHER, text="垃圾桶太少")
    db.session.add(feedback)
    db.session.flush()
    return feedback


def _photo(field, household):
    stored = StoredFile(id=uuid.uuid4().hex, owner_id=field.users["worker_a1"].id, kind=FileKind.PHOTO,
                        sha256=uuid.uuid4().hex * 2, content_type="image/jpeg", width=1, height=1, size=1)
    db.session.add(stored)
    db.session.flush()
    visit = make_visit(field.campaign, household, field.users["worker_a1"])
    visit.photo_file_id = stored.id
    db.session.flush()
    return stored


def _cases(field):
    """For each kind: the getter, an object of community A, and the id of one of community B (head_a sees A)."""
    a, b = field.households_a1[0], field.households_b1[0]
    campaign_b = make_campaign(field.community_b, name="滨江行动", status=CampaignStatus.DRAFT)  # heads see drafts
    return {
        "area": (scope.get_area, field.community_a, field.community_b.id),
        "grid": (scope.get_grid, field.grid_a1, field.grid_b1.id),
        "building": (scope.get_building, a.building, b.building.id),
        "household": (scope.get_household, a, b.id),
        "campaign": (scope.get_campaign, field.campaign, campaign_b.id),
        "feedback": (scope.get_feedback, _feedback(field, a), _feedback(field, b).id),
        "worker": (scope.get_worker, field.users["worker_a1"], field.users["worker_b1"].id),
        "file": (scope.get_file, _photo(field, a), _photo(field, b).id),
    }


KINDS = ("area", "grid", "building", "household", "campaign", "feedback", "worker", "file")


@pytest.mark.parametrize("kind", KINDS)
def test_each_getter_returns_an_object_in_scope_and_refuses_one_beyond_it_or_missing(field, kind):
    getter, inside, outside_id = _cases(field)[kind]
    head = field.users["head_a"]
    assert getter(head, inside.id) is inside
    missing = uuid.uuid4().hex if kind == "file" else MISSING
    for unseen in (outside_id, missing):
        with pytest.raises(OutOfScope) as raised:
            getter(head, unseen)
        assert raised.value.message == NOT_FOUND[kind]


def test_a_community_is_not_a_grid_and_a_head_is_not_a_worker(field):
    head = field.users["head_a"]
    with pytest.raises(OutOfScope):
        scope.get_grid(head, field.community_a.id)
    with pytest.raises(OutOfScope):
        scope.get_worker(field.users["street_admin"], head.id)


def test_a_draft_campaign_is_out_of_a_workers_scope_but_not_of_a_heads(field):
    draft = make_campaign(field.community_a, name="筹备中", status=CampaignStatus.DRAFT)
    assert scope.get_campaign(field.users["head_a"], draft.id) is draft
    with pytest.raises(OutOfScope):
        scope.get_campaign(field.users["worker_a1"], draft.id)


def test_a_worker_spanning_two_communities_is_managed_by_neither_head(field):
    both = make_user(Role.GRID_WORKER, [field.grid_a1, field.grid_b1], name="两头跑", username="both")
    assert scope.get_worker(field.users["street_admin"], both.id) is both
    with pytest.raises(OutOfScope):
        scope.get_worker(field.users["head_a"], both.id)


def test_a_page_or_the_callers_first_area(field):
    head = field.users["head_a"]
    assert scope.get_area_or_first(head, None) is field.community_a
    assert scope.get_area_or_first(head, field.grid_a2.id) is field.grid_a2
    with pytest.raises(OutOfScope):
        scope.get_area_or_first(head, field.community_b.id)
    arealess = make_user(Role.COMMUNITY_HEAD, [field.community_a], name="无区域", username="arealess")
    arealess.areas.clear()  # an account always has one; its last area deleted under it, it has none
    with pytest.raises(OutOfScope):
        scope.get_area_or_first(arealess, None)


def test_out_of_scope_on_a_page_is_the_404_page_with_the_kinds_message(client, field):
    sign_in(client, "head_a")
    for path in (f"/dashboard/households/{field.households_b1[0].id}", f"/dashboard/households/{MISSING}",
                 f"/staff/households/{field.households_b1[0].id}"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "text/html", path
        assert NOT_FOUND["household"] in response.get_data(as_text=True)
    response = client.get(f"/dashboard/files/{uuid.uuid4().hex}")
    assert response.status_code == 404 and "没有找到您要的内容" in response.get_data(as_text=True)


def test_out_of_scope_asked_for_as_json_outside_the_api_is_the_error_shape(client, field):
    sign_in(client, "head_a")
    response = client.get(f"/dashboard/buildings/{field.households_b1[0].building_id}",
                          headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.is_json
    assert_error_shape(response.get_json(), 404)
    assert response.get_json()["message"] == NOT_FOUND["building"]


def test_out_of_scope_in_the_api_is_404_in_the_error_shape(app, client, field):
    headers = bearer(app, field.users["worker_a1"])
    for query, message in ((f"grid_id={field.grid_b1.id}", NOT_FOUND["grid"]),
                           (f"grid_id={MISSING}", NOT_FOUND["grid"]),
                           (f"grid_id={field.community_a.id}", NOT_FOUND["grid"])):
        response = client.get(f"/api/mp/v1/households?{query}&campaign_id={field.campaign.id}", headers=headers)
        assert response.status_code == 404, query
        assert_error_shape(response.get_json(), 404)
        assert response.get_json()["message"] == message
    response = client.get(f"/api/mp/v1/ledger?campaign_id={field.campaign.id}&area_id={field.community_b.id}",
                          headers=headers)
    assert response.status_code == 404 and response.get_json()["message"] == NOT_FOUND["area"]
    response = client.get(f"/api/mp/v1/households/by-qr/{field.households_b1[0].token}", headers=headers)
    assert response.status_code == 404
    assert_error_shape(response.get_json(), 404)
    assert response.get_json()["message"] == "该二维码已失效，或这户不在您的网格内"

