"""Models keep their invariants in the database itself."""
import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from models import Area, AreaLevel, Campaign, Household, Occupancy, PledgeTextInUse, household_label, text_sha256
from server.services.registry.areas import AreaError, create_area
from tests.factories import make_building, make_campaign, make_household, make_tree


def test_a_household_is_unique_by_building_unit_and_room(db):
    *_, grids = make_tree()
    building = make_building(grids[0], "3栋")
    make_household(building, unit="2", room="501")
    with pytest.raises(IntegrityError):
        make_household(building, unit="2", room="501")


def test_the_same_room_in_another_unit_is_another_household(db):
    *_, grids = make_tree()
    building = make_building(grids[0], "3栋")
    make_household(building, unit="1", room="501")
    make_household(building, unit="2", room="501")
    assert db.session.query(Household).count() == 2


def test_household_labels_read_like_a_door_list():
    assert household_label("3栋", "2", "501") == "3栋2单元501"
    assert household_label("12号楼", "", "302") == "12号楼302"


def test_only_a_community_carries_a_community_type(db):
    district, street, community, _ = make_tree()
    assert community.community_type.value == "老旧小区"
    street.community_type = community.community_type
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_areas_nest_only_in_the_order_district_street_community_grid(db):
    district, street, community, grids = make_tree()
    with pytest.raises(AreaError):
        create_area("错位网格", AreaLevel.GRID, street)
    with pytest.raises(AreaError):
        create_area("第二个区", AreaLevel.DISTRICT, district)
    assert grids[0].path == f"/{district.id}/{street.id}/{community.id}/{grids[0].id}/"
    assert grids[0].ancestor_ids == [district.id, street.id, community.id, grids[0].id]


def test_timestamps_are_timezone_aware_utc_when_read_back(db):
    *_, grids = make_tree()
    household = make_household(make_building(grids[0]))
    db.session.commit()
    db.session.expire_all()
    created = db.session.get(Household, household.id).created_at
    assert created.tzinfo is not None and created.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.timezone.utc) - created) < dt.timedelta(minutes=1)


def test_a_campaign_cannot_end_before_it_starts(db):
    district, *_ = make_tree()
    db.session.add(Campaign(area=district, name="x", start_date=dt.date(2026, 5, 2), end_date=dt.date(2026, 5, 1)))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_pledge_text_stores_its_sha256_and_is_immutable_once_signed(db):
    district, *_ = make_tree()
    campaign = make_campaign(district)
    text = campaign.current_pledge_text
    assert text.version == 1
    assert text.sha256 == text_sha256(text.title, text.body)
    text.body = text.body + "（修订）"  # not yet signed: may still change
    text.first_used_at = dt.datetime.now(dt.timezone.utc)
    with pytest.raises(PledgeTextInUse):
        text.body = "改过的承诺书"


def test_a_campaign_has_the_three_materials_by_default(db):
    district, *_ = make_tree()
    campaign = make_campaign(district)
    assert [(m.code, m.name) for m in campaign.materials] == [
        ("notice", "告知书"), ("pledge", "承诺书"), ("brochure", "宣传手册")]
    assert "垃圾分类" in campaign.current_notice_text.body and campaign.current_notice_text.version == 1


def test_occupancy_defaults_to_unknown(db):
    *_, grids = make_tree()
    building = make_building(grids[0])
    household = Household(building=building, unit="", room="101", label="x")
    db.session.add(household)
    db.session.flush()
    assert household.occupancy is Occupancy.UNKNOWN
    assert db.session.get(Area, grids[0].id).level is AreaLevel.GRID


def test_what_each_role_may_do_is_said_on_the_role():
    from models import FIELD_ROLES, Role

    rows = {role: (role.is_field_worker, role.records_visits, role.may_read_dashboard, role.may_reveal_phone,
                   role.may_manage_campaigns, role.appoints) for role in Role}
    none = frozenset()
    assert rows == {
        Role.GRID_WORKER: (True, True, False, False, False, none),
        Role.VOLUNTEER: (True, True, False, False, False, none),
        Role.COMMUNITY_HEAD: (False, True, True, True, False, none),
        Role.STREET_ADMIN: (False, False, True, True, True, {Role.COMMUNITY_HEAD}),
        Role.DISTRICT_ADMIN: (False, False, True, True, True, {Role.COMMUNITY_HEAD, Role.STREET_ADMIN}),
    }
    assert FIELD_ROLES == {role for role in Role if role.is_field_worker}


def test_a_receipt_code_is_shown_in_two_groups_and_read_back_whatever_its_dashes_and_case():
    from models import Pledge
    from models.pledge import RECEIPT_CODE_ALPHABET, new_receipt_code, receipt_code_typed

    code = new_receipt_code()
    assert len(code) == 8 and set(code) <= set(RECEIPT_CODE_ALPHABET)
    assert Pledge(code="ABCD2345").receipt_code == "ABCD-2345"
    assert receipt_code_typed("abcd-2345") == "ABCD2345" and receipt_code_typed("ABC-234") is None
