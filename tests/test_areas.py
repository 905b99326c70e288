"""Every household under an area is one indexed query, at any level of the tree."""
import pytest

from models import AreaLevel, CommunityType, Occupancy
from server.extensions import db as _db
from server.services.registry.areas import (areas_under, count_households_under, create_area, households_under,
                                            summarize_area)
from tests.factories import make_building, make_household, make_households, make_tree


@pytest.fixture
def city(db):
    """Two communities in one street, a second street, and households spread over their grids."""
    district, street, c1, (g1, g2) = make_tree(grids=("第一网格", "第二网格"))
    c2 = create_area("滨江社区", AreaLevel.COMMUNITY, street, CommunityType.COMMERCIAL_ESTATE)
    g3 = create_area("第一网格", AreaLevel.GRID, c2)
    street2 = create_area("城东街道", AreaLevel.STREET, district)
    c3 = create_area("新村社区", AreaLevel.COMMUNITY, street2, CommunityType.VILLAGE_RESETTLEMENT)
    g4 = create_area("第一网格", AreaLevel.GRID, c3)
    make_households(make_building(g1, "1栋"), 6)
    make_households(make_building(g2, "2栋"), 4)
    make_households(make_building(g3, "1栋"), 5)
    make_households(make_building(g4, "1栋"), 3)
    return {"district": district, "street": street, "street2": street2, "c1": c1, "c2": c2, "c3": c3,
            "g1": g1, "g2": g2, "g3": g3, "g4": g4}


@pytest.mark.parametrize("area, expected", [
    ("district", 18), ("street", 15), ("street2", 3), ("c1", 10), ("c2", 5), ("g1", 6), ("g2", 4), ("g4", 3),
])
def test_households_under_an_area_are_exactly_those_in_its_subtree(city, area, expected):
    assert count_households_under(city[area]) == expected
    households = _db.session.scalars(households_under(city[area])).all()
    assert len(households) == expected
    assert all(h.building.grid.is_within(city[area]) for h in households)


def test_a_sibling_whose_id_shares_a_prefix_is_not_mistaken_for_a_child(db):
    # Paths end in "/", so area 1 never claims area 12's households.
    district, street, community, grids = make_tree()
    siblings = [create_area(f"社区{n}", AreaLevel.COMMUNITY, street) for n in range(12)]
    lone_grid = create_area("第一网格", AreaLevel.GRID, siblings[-1])
    make_households(make_building(lone_grid), 2)
    make_households(make_building(grids[0]), 3)
    assert count_households_under(community) == 3
    assert count_households_under(siblings[-1]) == 2


def test_areas_under_lists_the_subtree_in_tree_order_and_by_level(city):
    names = [a.name for a in _db.session.scalars(areas_under(city["street"], AreaLevel.COMMUNITY))]
    assert names == ["金桥社区", "滨江社区"]
    everything = _db.session.scalars(areas_under(city["district"])).all()
    assert everything[0].id == city["district"].id and len(everything) == 10


def test_an_area_summary_counts_grids_buildings_and_occupancy(city):
    make_household(make_building(city["g1"], "9栋"), room="101", occupancy=Occupancy.VACANT)
    summary = summarize_area(city["c1"])
    assert (summary.grids, summary.buildings, summary.households) == (2, 3, 11)
    assert (summary.occupied, summary.vacant, summary.unknown) == (10, 1, 0)


def test_the_subtree_query_walks_indexes_not_the_whole_household_table(city):
    query = households_under(city["street"])
    _db.session.commit()  # the plan is read on a connection of its own
    compiled = query.compile(_db.engine, compile_kwargs={"literal_binds": True})
    with _db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
            assert "SCAN household" not in plan, plan
            assert "SEARCH household USING INDEX" in plan, plan
            assert "SCAN area" not in plan, plan
        else:
            # Tiny tables make any plan cheap; forbid sequential scans to see that indexes can serve it.
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " | ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {compiled}"))
            assert "Seq Scan" not in plan, plan
