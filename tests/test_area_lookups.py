"""Finding areas for pages: an area by the id a form sent, and the areas one level beneath another."""
from models.base import MAX_RECORD_ID
from server.services.registry.areas import child_areas, find_area


def test_an_area_is_found_by_its_id_and_an_id_no_record_can_hold_names_nothing(field):
    assert find_area(field.community_b.id) == field.community_b, "found whoever asks: the caller checks scope"
    assert find_area(None) is None and find_area("3") is None and find_area(0) is None
    assert find_area(MAX_RECORD_ID + 1) is None and find_area(MAX_RECORD_ID) is None


def test_the_children_of_an_area_are_one_level_beneath_it_and_a_grid_has_none(field):
    assert child_areas(field.street) == [field.community_a, field.community_b]
    assert child_areas(field.community_a) == [field.grid_a1, field.grid_a2]
    assert child_areas(field.grid_a1) == []
