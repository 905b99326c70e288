"""A head puts a building that has no position onto the map, then drags it, in Chromium; both stay after a reload."""
import pytest
from sqlalchemy import select

from models import Building, PositionSource, User
from server.extensions import db
from server.services.demo.city import DEMO_PASSWORD
from tests.browser.conftest import sign_in
from tests.browser.test_dashboard_pages import ARTIFACTS

#: Finds a point of the map with no building on it (a click there reaches the map, not a marker), as [x, y] in pixels
#: relative to the map's corner.
EMPTY_SPOT = """(map) => {
  const box = map.getBoundingClientRect();
  for (let y = 60; y < box.height - 40; y += 23) {
    for (let x = 60; x < box.width - 40; x += 29) {
      const hit = document.elementFromPoint(box.left + x, box.top + y);
      if (hit && !hit.closest('.qd-pin, .leaflet-control')) { return [x, y]; }
    }
  }
  return null;
}"""


@pytest.fixture
def unplaced_building(live_server):
    """A building with no position in head1's community, removed after the test."""
    with live_server.app_for_tests.app_context():
        community = db.session.scalar(select(User).where(User.username == "head1")).areas[0]
        grid = next(area for area in community.children if area.level.value == "grid")
        building = Building(community_id=community.id, grid_id=grid.id, name="新建99栋")
        db.session.add(building)
        db.session.commit()
        building_id = building.id
    yield building_id
    with live_server.app_for_tests.app_context():
        db.session.delete(db.session.get(Building, building_id))
        db.session.commit()


def position_of(live_server, building_id):
    with live_server.app_for_tests.app_context():
        building = db.session.get(Building, building_id)
        return building.lat, building.lng, building.position_source


def test_a_head_places_a_building_from_the_list_then_drags_it_and_it_stays_after_reload(page, live_server,
                                                                                       unplaced_building):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "head1", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="地图").click()
    page.wait_for_selector("#map[data-ready]")

    item = page.locator(f'[data-unplaced="{unplaced_building}"]')
    assert item.get_by_text("新建99栋").is_visible()
    before = int(page.get_by_test_id("unplaced-total").inner_text())
    item.get_by_role("button", name="放到地图上").click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-placing-desktop.png"), full_page=True)
    x, y = page.locator("#map").evaluate(EMPTY_SPOT)
    page.locator("#map").click(position={"x": x, "y": y})
    page.get_by_test_id("map-message").filter(has_text="已标注 新建99栋 的位置").wait_for()
    assert item.count() == 0 and page.get_by_test_id("unplaced-total").inner_text() == str(before - 1)
    lat, lng, source = position_of(live_server, unplaced_building)
    assert lat is not None and source is PositionSource.PLACED

    page.reload()
    page.wait_for_selector("#map[data-ready]")
    marker = page.locator(f'.qd-pin[data-building="{unplaced_building}"]')
    assert marker.count() == 1 and page.locator(f'[data-unplaced="{unplaced_building}"]').count() == 0

    box = marker.bounding_box()
    start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 60, start[1] + 40, steps=12)
    page.mouse.up()
    page.get_by_test_id("map-message").filter(has_text="已移动 新建99栋 的位置").wait_for()
    moved_lat, moved_lng, source = position_of(live_server, unplaced_building)
    assert (moved_lat, moved_lng) != (lat, lng) and moved_lat < lat and moved_lng > lng  # down and to the right

    page.reload()
    page.wait_for_selector("#map[data-ready]")
    box_after = page.locator(f'.qd-pin[data-building="{unplaced_building}"]').bounding_box()
    assert box_after is not None
