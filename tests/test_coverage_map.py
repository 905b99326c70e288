"""The coverage map as a service: each building's colour by its contact rate, placed buildings apart from unplaced."""
import pytest

from server.services.ledger.rebuild import refresh_population
from server.services.reports.coverage_map import buildings_on_map, coverage_colour
from tests.factories import make_building, make_households


@pytest.mark.parametrize("contacted, colour", [(0, "red"), (2, "red"), (3, "amber"), (7, "amber"), (8, "green"),
                                               (10, "green")])
def test_a_building_is_red_under_30_percent_contacted_amber_under_80_and_green_from_80(contacted, colour):
    assert coverage_colour({"in_scope": 10, "contacted": contacted}) == colour


def test_a_building_with_no_counters_or_nobody_in_scope_is_grey():
    assert coverage_colour(None) == "grey"
    assert coverage_colour({"in_scope": 0, "contacted": 0}) == "grey"


def test_the_map_holds_the_buildings_under_the_area_placed_apart_from_unplaced_with_their_counts(field):
    loose = make_building(field.grid_a1, "9栋", lat=None, lng=None)
    make_households(loose, 3)
    refresh_population(field.campaign)
    found = buildings_on_map(field.campaign, field.community_a)
    assert [row.building.name for row in found.placed] == ["1栋", "2栋", "3栋"]
    assert [(row.building, row.households, row.suggestion) for row in found.unplaced] == [(loose, 3, None)]
    assert {row.colour for row in found.placed} == {"red"}, "nobody contacted yet"
    assert [row.building.name for row in buildings_on_map(field.campaign, field.grid_a2).placed] == ["3栋"]
