"""A realistic demo city: one district, its streets, communities of every type,
grids, buildings around a real city's coordinates, households, staff and an
active campaign with its three materials and a pledge text.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import (Area, AreaLevel, Building, Campaign, CampaignStatus, CommunityType, Household, Occupancy, Role,
                    User, household_label, new_door_token, utcnow)
from models.personal import phone_index
from server.database.bulk import bulk_insert
from server.extensions import db
from server.services.access.accounts import DEMO_PASSWORD, issue_invite_code
from server.services.canvassing.campaign_texts import PLEDGE_BODY, PLEDGE_TITLE
from server.services.canvassing.campaigns import create_campaign
from server.services.ledger.rebuild import refresh_population
from server.services.registry.areas import create_area
from server.timefmt import local_today

#: Qianjiang, Chongqing (黔江区): the demo city sits around these coordinates.
CITY_CENTER = (29.5333, 108.7707)
HOUSEHOLDS_PER_COMMUNITY = 3000
HOUSEHOLDS_PER_GRID = 350
COMMUNITIES_PER_STREET = 8

_STREET_WORDS = ("城西", "城东", "城南", "正阳", "舟白", "冯家", "南海", "石会", "濯水", "黄溪", "金溪", "马喇",
                 "新华", "中塘", "白石", "水市", "鹅池", "邻鄂", "沙坝", "杉岭")
_COMMUNITY_WORDS = ("金桥", "滨江", "新村", "东湖", "和平", "桥梁", "文汇", "解放", "三台", "民主", "太极", "西山",
                    "书院", "溪口", "青杠", "官渡", "河滨", "望城", "荷花", "新安", "永安", "朝阳", "春晖", "锦绣")
_COMMUNITY_TYPES = (CommunityType.OLD_ESTATE, CommunityType.COMMERCIAL_ESTATE, CommunityType.VILLAGE_RESETTLEMENT,
                    CommunityType.SHANTY_REDEVELOPMENT, CommunityType.MIXED)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰志强海燕文斌红梅德华淑珍凤英春梅晓东丹丹思雨子涵浩然"
_GRID_NUMERALS = "一二三四五六七八九十"


_HOUSEHOLD_COLUMNS = ("building_id", "unit", "floor", "room", "label", "occupancy", "head_name", "head_phone",
                      "head_phone_index", "token")


@dataclass
class Login:
    role: Role
    name: str
    username: str
    area: str
    secret: str  # the demo password, or a worker's one-time invite code


@dataclass
class DemoCity:
    district: Area
    campaign: Campaign
    households: int = 0
    buildings: int = 0
    communities: int = 0
    grids: int = 0
    logins: list[Login] = field(default_factory=list)


@dataclass(frozen=True)
class _Shape:
    floors: tuple[int, int]
    units: tuple[int, int]
    rooms_per_floor: tuple[int, int]


_SHAPES = {
    CommunityType.OLD_ESTATE: _Shape((5, 7), (2, 3), (2, 2)),
    CommunityType.COMMERCIAL_ESTATE: _Shape((11, 33), (1, 2), (2, 4)),
    CommunityType.VILLAGE_RESETTLEMENT: _Shape((3, 5), (1, 1), (2, 2)),
    CommunityType.SHANTY_REDEVELOPMENT: _Shape((6, 6), (3, 3), (3, 3)),
}


def _person_name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN)
    if rng.random() < 0.6:
        given += rng.choice(_GIVEN)
    return rng.choice(_SURNAMES) + given


def _phone(rng: random.Random) -> str:
    """A mobile in the 13x or 18x ranges, every number of which is allocated: a demo register exported and
    imported again reads back whole (``privacy.phones``)."""
    return f"1{'38'[int(rng.choice('3456789')) % 2]}{rng.randrange(10**9):09d}"


def _map_offset(index: int, count: int, spacing: float) -> tuple[float, float]:
    """Communities sit on a square grid around the city centre, ``spacing`` degrees apart."""
    side = math.ceil(math.sqrt(count))
    row, col = divmod(index, side)
    return (row - (side - 1) / 2) * spacing, (col - (side - 1) / 2) * spacing


def _community_plan(total: int) -> list[int]:
    count = max(len(_COMMUNITY_TYPES), math.ceil(total / HOUSEHOLDS_PER_COMMUNITY))
    base, extra = divmod(total, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


class _Builder:
    def __init__(self, rng: random.Random, progress: Callable[[int], None] | None):
        self.rng = rng
        self.progress = progress
        self.pending: list[tuple] = []
        self.now = utcnow()

    def households(self, building: Building, target: int, kind: CommunityType) -> int:
        rng = self.rng
        shape = _SHAPES.get(kind) or _SHAPES[rng.choice(list(_SHAPES))]
        floors, units = rng.randint(*shape.floors), rng.randint(*shape.units)
        rooms = rng.randint(*shape.rooms_per_floor)
        made = 0
        for unit in range(1, units + 1):
            unit_name = str(unit) if units > 1 else ""
            for floor in range(1, floors + 1):
                for room_no in range(1, rooms + 1):
                    if made >= target:
                        return made
                    room = f"{floor}{room_no:02d}"
                    roll = rng.random()
                    occupancy = (Occupancy.VACANT if roll < 0.05 else
                                 Occupancy.UNKNOWN if roll < 0.12 else Occupancy.OCCUPIED)
                    named = occupancy is Occupancy.OCCUPIED and rng.random() < 0.8
                    phone = _phone(rng) if named and rng.random() < 0.75 else None
                    self.pending.append((
                        building.id, unit_name, floor, room, household_label(building.name, unit_name, room),
                        occupancy, _person_name(rng) if named else None, phone, phone_index(phone),
                        new_door_token()))
                    made += 1
        return made

    def flush(self, done: int, force: bool = False) -> None:
        if self.pending and (force or len(self.pending) >= 10_000):
            bulk_insert(Household.__table__, _HOUSEHOLD_COLUMNS, self.pending,
                        constants={"created_at": self.now, "updated_at": self.now})
            self.pending.clear()
            if self.progress:
                self.progress(done)


def _grid_name(n: int) -> str:
    return f"第{_GRID_NUMERALS[n - 1]}网格" if n <= len(_GRID_NUMERALS) else f"第{n}网格"


def seed_demo_city(households: int = 3000, seed: int = 0, today: dt.date | None = None,
                   progress: Callable[[int], None] | None = None) -> DemoCity:
    """Build the demo city with about ``households`` households, the same for the same ``seed``.

    Flushes, never commits.

    Raises:
        ValueError: ``households`` below 1, or the database already holds areas.
    """
    if households < 1:
        raise ValueError("households must be at least 1")
    if db.session.scalar(select(Area.id).limit(1)) is not None:
        raise ValueError("数据库中已有区域数据，演示数据只能建在空库上")
    rng = random.Random(seed)
    today = today or local_today()
    district = create_area("清溪区", AreaLevel.DISTRICT)
    campaign = _campaign(district, today)
    city = DemoCity(district=district, campaign=campaign)
    password_hash = generate_password_hash(DEMO_PASSWORD)
    builder = _Builder(rng, progress)

    district_admin = User(username="district", name="区分类办管理员", role=Role.DISTRICT_ADMIN,
                          password_hash=password_hash, areas=[district])
    db.session.add(district_admin)
    city.logins.append(Login(Role.DISTRICT_ADMIN, district_admin.name, "district", district.name, DEMO_PASSWORD))

    plan = _community_plan(households)
    street = None
    for index, size in enumerate(plan):
        if index % COMMUNITIES_PER_STREET == 0:
            street_no = index // COMMUNITIES_PER_STREET
            word = _STREET_WORDS[street_no % len(_STREET_WORDS)]
            suffix = "" if street_no < len(_STREET_WORDS) else str(street_no // len(_STREET_WORDS) + 1)
            street = create_area(f"{word}{suffix}街道", AreaLevel.STREET, district)
            admin = User(username=f"street{street_no + 1}", name=f"{street.name}管理员", role=Role.STREET_ADMIN,
                         password_hash=password_hash, areas=[street])
            db.session.add(admin)
            city.logins.append(Login(Role.STREET_ADMIN, admin.name, admin.username, street.name, DEMO_PASSWORD))
        kind = _COMMUNITY_TYPES[index % len(_COMMUNITY_TYPES)]
        word = _COMMUNITY_WORDS[(index % COMMUNITIES_PER_STREET + index // COMMUNITIES_PER_STREET * 3)
                                % len(_COMMUNITY_WORDS)]
        community = create_area(f"{word}社区", AreaLevel.COMMUNITY, street, kind)
        city.communities += 1
        head = User(username=f"head{index + 1}", name=_person_name(rng), role=Role.COMMUNITY_HEAD,
                    password_hash=password_hash, areas=[community])
        db.session.add(head)
        city.logins.append(Login(Role.COMMUNITY_HEAD, head.name, head.username, community.name, DEMO_PASSWORD))
        _seed_community(city, builder, community, kind, size, _map_offset(index, len(plan), 0.009), rng)
    builder.flush(city.households, force=True)
    db.session.flush()
    refresh_population(campaign)
    return city


def _seed_community(city: DemoCity, builder: _Builder, community: Area, kind: CommunityType, size: int,
                    offset: tuple[float, float], rng: random.Random) -> None:
    center_lat, center_lng = CITY_CENTER
    d_lat, d_lng = offset
    grid_count = max(1, math.ceil(size / HOUSEHOLDS_PER_GRID))
    grids = [create_area(_grid_name(n + 1), AreaLevel.GRID, community) for n in range(grid_count)]
    city.grids += grid_count
    for n, grid in enumerate(grids):
        worker = User(username=f"worker{community.id}-{n + 1}", name=_person_name(rng), role=Role.GRID_WORKER,
                      areas=[grid])
        db.session.add(worker)
        db.session.flush()
        code = issue_invite_code(worker, ttl_hours=24 * 30)
        city.logins.append(Login(Role.GRID_WORKER, worker.name, worker.username,
                                 f"{community.name}{grid.name}", code))
    made, number, per_grid = 0, 0, math.ceil(size / grid_count)
    while made < size:
        number += 1
        grid = grids[min(made // per_grid, grid_count - 1)]
        row, col = divmod(number - 1, 8)
        building = Building(community_id=community.id, grid_id=grid.id, name=f"{number}栋",
                            lat=round(center_lat + d_lat + row * 0.0006 - 0.002, 6),
                            lng=round(center_lng + d_lng + col * 0.0007 - 0.0025, 6))
        db.session.add(building)
        db.session.flush()
        made += builder.households(building, size - made, kind)
        city.buildings += 1
        builder.flush(city.households + made)
    city.households += made


def _campaign(district: Area, today: dt.date) -> Campaign:
    campaign = create_campaign(f"{today.year}年生活垃圾分类“敲门行动”", district,
                               today - dt.timedelta(days=14), today + dt.timedelta(days=45),
                               status=CampaignStatus.ACTIVE, pledge_title=PLEDGE_TITLE, pledge_text=PLEDGE_BODY)
    return campaign
