"""Factory functions: each makes one thing, with sensible defaults, and flushes."""
from __future__ import annotations

import datetime as dt
import itertools
import uuid

from models import (AreaLevel, Building, CampaignStatus, CommunityType, Household, Occupancy, Outcome, Role, Visit,
                    household_label)
from server.extensions import db
from server.services.access.accounts import create_user
from server.services.canvassing.campaigns import create_campaign
from server.services.registry.areas import create_area

_counter = itertools.count(1)


def make_tree(district="清溪区", street="城西街道", community="金桥社区", grids=("第一网格",),
              community_type=CommunityType.OLD_ESTATE):
    """A district with one street, one community and its grids: returns (district, street, community, grids)."""
    d = create_area(district, AreaLevel.DISTRICT)
    s = create_area(street, AreaLevel.STREET, d)
    c = create_area(community, AreaLevel.COMMUNITY, s, community_type)
    return d, s, c, [create_area(name, AreaLevel.GRID, c) for name in grids]


def make_building(grid, name=None, lat=29.53, lng=108.77) -> Building:
    building = Building(community_id=grid.parent_id, grid_id=grid.id, name=name or f"{next(_counter)}栋",
                        lat=lat, lng=lng)
    db.session.add(building)
    db.session.flush()
    return building


def make_household(building, unit="1", room=None, occupancy=Occupancy.OCCUPIED, head_name="张三",
                   head_phone="13812345678") -> Household:
    room = room or f"{next(_counter) % 30 + 1}01"
    household = Household(building=building, unit=unit, room=room, floor=int(room[:-2]) if len(room) > 2 else None,
                          label=household_label(building.name, unit, room), occupancy=occupancy,
                          head_name=head_name, head_phone=head_phone)
    db.session.add(household)
    db.session.flush()
    return household


def make_households(building, count, unit="1"):
    return [make_household(building, unit=unit, room=f"{n // 2 + 1}{n % 2 + 1:02d}") for n in range(count)]


def make_user(role=Role.COMMUNITY_HEAD, areas=(), name="李四", username=None, password="correct-horse-9"):
    account = create_user(name, role, list(areas), username=username,
                          password=None if Role(role).is_field_worker else password)
    return account.user


def make_campaign(area, name="敲门行动", status=CampaignStatus.ACTIVE, start=dt.date(2026, 11, 1),
                  end=dt.date(2026, 12, 31), **details):
    """A campaign with the default materials, notice and pledge text (``details``: ``create_campaign``'s own)."""
    return create_campaign(name, area, start, end, status=status, **details)


def make_visit(campaign, household, worker, outcome=Outcome.CONTACTED, lat=None, lng=None, accuracy_m=None,
               visited_at=None) -> Visit:
    """A visit row as the API stores it, with a GPS fix if given (no materials, pledge or ledger update)."""
    visit = Visit(id=str(uuid.uuid4()), campaign_id=campaign.id, household_id=household.id, worker_id=worker.id,
                  outcome=Outcome(outcome), visited_at=visited_at or dt.datetime.now(dt.timezone.utc),
                  lat=lat, lng=lng, accuracy_m=accuracy_m, request_sha256="0" * 64, progress_json="{}")
    db.session.add(visit)
    db.session.flush()
    return visit
