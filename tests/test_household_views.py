"""What each reader is shown of a household comes from one list (server/services/privacy/household_views.py)."""
from types import SimpleNamespace

from miniprogram_api.households import DoorHouseholdOut, WalkItemOut
from models import Occupancy
from server.services.privacy.household_views import HOUSEHOLD_FIELDS, HOUSEHOLD_VIEWS, household_view

HOUSEHOLD = SimpleNamespace(
    id=7, token="AbCdEfGhIjKlMnOp", label="3栋2单元501", unit="2", floor=5, room="501", occupancy=Occupancy.OCCUPIED,
    head_name="张三丰", head_phone="13812345678",
    building=SimpleNamespace(name="3栋", grid_id=4, community=SimpleNamespace(name="金桥社区"),
                             grid=SimpleNamespace(name="第一网格")))


def test_every_view_names_only_fields_the_list_knows():
    for view, names in HOUSEHOLD_VIEWS.items():
        assert set(names) <= set(HOUSEHOLD_FIELDS), view
        assert set(household_view(HOUSEHOLD, view)) == set(names), view


def test_the_api_schemas_serve_exactly_their_readers_fields():
    assert set(DoorHouseholdOut().fields) == set(HOUSEHOLD_VIEWS["worker_door"])
    assert set(WalkItemOut().fields) == {*HOUSEHOLD_VIEWS["worker"], "progress", "mine", "whose"}


def test_names_and_phones_are_masked_for_every_reader_and_the_resident_sees_neither():
    for view in HOUSEHOLD_VIEWS:
        shown = household_view(HOUSEHOLD, view)
        assert "张三丰" not in shown.values() and "13812345678" not in shown.values(), view
    assert household_view(HOUSEHOLD, "head")["head_name"] == "张**"
    assert household_view(HOUSEHOLD, "worker_door")["head_phone"] == "138****5678"
    assert household_view(HOUSEHOLD, "resident") == {"community": "金桥社区", "address": "3栋2单元**1"}


def test_a_household_without_a_head_on_record_shows_none_not_an_empty_mask():
    bare = SimpleNamespace(**{**vars(HOUSEHOLD), "head_name": None, "head_phone": None})
    shown = household_view(bare, "worker_door")
    assert shown["head_name"] is None and shown["head_phone"] is None
