"""Importing a roster of grid workers and volunteers: accounts, invite codes and their invite sheet, in one step.

A roster is the list a community keeps in Excel: 姓名, 手机 and 网格 (or 楼栋, whose grid the worker is given),
optionally 角色 (网格员 or 志愿者; 网格员 when blank) and 社区 (to tell apart grids of the same name under a
street). Every row is checked before anything is written; one bad row and nothing is kept, each error named by
row and column as in the household import.

One mobile number is one person. Importing the same roster again adds no account: a row whose number belongs to
a worker of the same name in the target area is that worker (moved to the row's grid and role if they changed).
Whoever has not yet signed in gets a fresh invite code (their earlier unused codes stop working, so only the
newest sheet is good); whoever already signed in keeps their sign-in and gets no card.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from models import Area, AreaLevel, Building, LoginSession, Role, User, utcnow
from models.personal import phone_index
from server.extensions import db
from server.services.access.accounts import create_user, reinvite
from server.services.imports.invite_sheet import InviteCard
from server.services.imports.table_files import RowError, SourceRow, TableSpec, read_table
from server.services.privacy.phones import mobile_number
from server.services.registry.areas import areas_under, buildings_under

ROSTER = TableSpec(
    columns={
        "name": ("姓名", "名字"),
        "phone": ("手机", "手机号", "手机号码", "联系电话", "电话"),
        "grid": ("网格", "网格名称", "所属网格"),
        "building": ("楼栋", "楼栋号", "楼号"),
        "role": ("角色", "身份"),
        "community": ("社区", "所属社区"),
    },
    required=("name", "phone", ("grid", "building")),
    header_within=10,  # a title row (XX社区网格员名单) or two may stand above the header
)
HEADER_OF = ROSTER.header_of
ROLE_WORDS = {"": Role.GRID_WORKER, "网格员": Role.GRID_WORKER, "专职网格员": Role.GRID_WORKER,
              "兼职网格员": Role.GRID_WORKER, "志愿者": Role.VOLUNTEER}
MAX_LISTED_ERRORS = 200


class RosterRejected(Exception):
    """Some rows are bad; nothing was written. ``plan.errors`` names each row and column."""

    def __init__(self, plan: RosterPlan):
        super().__init__(f"{plan.error_count} bad rows")
        self.plan = plan


@dataclass(frozen=True)
class RosterEntry:
    """One checked row, as it will be stored."""

    row: int
    name: str
    phone: str
    role: Role
    grid: Area
    building: str | None
    existing: User | None  # the same person, already an account
    change: str  # "new", "updated" or "unchanged"

    @property
    def grid_label(self) -> str:
        return f"{self.grid.parent.name} · {self.grid.name}" if self.grid.parent else self.grid.name


@dataclass
class RosterPlan:
    """What a roster would do to the target area: the rows as they will be stored, or the errors."""

    area: Area
    entries: list[RosterEntry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(row, HEADER_OF[column], message))

    def count(self, change: str) -> int:
        return sum(entry.change == change for entry in self.entries)


@dataclass
class RosterResult:
    plan: RosterPlan
    cards: list[InviteCard]
    created: int
    updated: int
    unchanged: int
    #: Workers already signed in somewhere: they keep their sign-in and get no new code.
    already_signed_in: list[str]


def read_roster(path: str | Path) -> Iterator[SourceRow]:
    """The rows of a roster file (CSV in UTF-8 or GBK, or XLSX); the header may stand below a title row or two.

    Raises:
        table_files.FileFormatError: an unknown extension, an unreadable file, or no header naming 姓名, 手机 and
            网格 or 楼栋 among the first rows (raised when iteration starts).
    """
    return read_table(path, ROSTER)


def _within(user: User, area: Area) -> bool:
    return bool(user.areas) and all(a.is_within(area) for a in user.areas)


class _Places:
    """The grids and buildings of the target area, by name (and community, for names used twice)."""

    def __init__(self, area: Area):
        self.area = area
        self.grids: dict[str, list[Area]] = {}
        for grid in db.session.scalars(areas_under(area, AreaLevel.GRID)):
            self.grids.setdefault(grid.name, []).append(grid)
        self.buildings: dict[str, list[Building]] = {}
        for building in db.session.scalars(buildings_under(area)):
            self.buildings.setdefault(building.name, []).append(building)

    @staticmethod
    def _one(found: list, community: str, what: str, name: str) -> tuple[object | None, str | None, str | None]:
        """(the one match, or None with the column and message to report)."""
        if community:
            found = [f for f in found if _community_name(f) == community]
        if len(found) == 1:
            return found[0], None, None
        if not found:
            return None, what, None
        return None, "community", f"有 {len(found)} 个{'网格' if what == 'grid' else '楼栋'}叫“{name}”，请在「社区」列写明是哪个社区的"

    def grid_of(self, values: dict) -> tuple[Area | None, str | None, str | None]:
        """The row's grid, or None with the column and the message saying why not."""
        grid_name, building_name = values.get("grid", ""), values.get("building", "")
        community = values.get("community", "")
        scope = f"「{self.area.name}」"
        grid = None
        if grid_name:
            grid, column, message = self._one(self.grids.get(grid_name, []), community, "grid", grid_name)
            if grid is None:
                return None, column, message or f"“{grid_name}”不是{scope}里的网格"
        if building_name:
            building, column, message = self._one(self.buildings.get(building_name, []), community, "building",
                                                  building_name)
            if building is None and grid is not None:  # a building named within its grid: 3栋 of 第一网格
                building = next((b for b in self.buildings.get(building_name, []) if b.grid_id == grid.id), None)
            if building is None:
                return None, column, message or f"“{building_name}”不是{scope}里的楼栋"
            if grid is not None and building.grid_id != grid.id:
                return None, "building", f"楼栋“{building_name}”属于“{building.grid.name}”，不属于“{grid.name}”"
            grid = building.grid
        if grid is None:
            return None, "grid", "网格和楼栋不能都为空"
        return grid, None, None


def _community_name(place) -> str:
    if isinstance(place, Building):
        return place.community.name
    return place.parent.name if place.parent else ""


def check_roster(rows: Iterable[SourceRow], area: Area) -> RosterPlan:
    """Check every row of a roster for ``area`` and say what importing it would store. Writes nothing.

    Raises:
        RosterRejected: any bad row: no name, a number that is not a mainland mobile, a 网格 or 楼栋 not within
            ``area`` (or ambiguous there), an unknown 角色, a number twice in the file, a number that belongs to
            another account (someone else's, or a worker outside ``area``), or to a deactivated worker.
        table_files.FileFormatError: the file itself cannot be read (from ``rows``).
    """
    plan = RosterPlan(area)
    places = _Places(area)
    seen: dict[str, int] = {}
    checked: list[tuple[int, str, str, Role, Area, str]] = []
    for source in rows:
        values, number = source.values, source.number
        bad = plan.error_count
        name = values.get("name", "")
        if not name:
            plan.add_error(number, "name", "不能为空")
        elif len(name) > 64:
            plan.add_error(number, "name", "不能超过 64 个字")
        phone = None
        if not values.get("phone"):
            plan.add_error(number, "phone", "不能为空")
        else:
            phone = mobile_number(values["phone"])
            if phone is None:
                plan.add_error(number, "phone", f"“{values['phone']}”不是有效的手机号")
            elif phone in seen:
                plan.add_error(number, "phone", f"与第 {seen[phone]} 行是同一个手机号")
            else:
                seen[phone] = number
        role = ROLE_WORDS.get(values.get("role", ""))
        if role is None:
            plan.add_error(number, "role", f"“{values['role']}”不是有效的角色，请填“网格员”或“志愿者”")
        grid, column, message = places.grid_of(values)
        if grid is None:
            plan.add_error(number, column, message)
        if plan.error_count == bad:
            checked.append((number, name, phone, role, grid, values.get("building") or None))
    existing = _accounts_by_phone([row[2] for row in checked])
    for number, name, phone, role, grid, building in checked:
        user = existing.get(phone_index(phone))
        change = "new"
        if user is not None:
            if not user.role.is_field_worker or not _within(user, area):
                plan.add_error(number, "phone", "这个手机号已被另一个账号使用")
                continue
            if user.name != name:
                plan.add_error(number, "phone", f"这个手机号已是“{user.name}”的账号，姓名不一致")
                continue
            if not user.active:  # stopped on purpose by a head: a roster does not undo that silently
                plan.add_error(number, "phone", f"“{user.name}”的账号已停用，请先在人员页面处理")
                continue
            change = "unchanged" if user.role is role and [a.id for a in user.areas] == [grid.id] else "updated"
        plan.entries.append(RosterEntry(number, name, phone, role, grid, building, user, change))
    if plan.error_count:
        raise RosterRejected(plan)
    return plan


def _accounts_by_phone(phones: list[str]) -> dict[str, User]:
    indexes = [phone_index(p) for p in phones]
    found: dict[str, User] = {}
    for start in range(0, len(indexes), 500):
        found |= {u.phone_index: u for u in db.session.scalars(
            select(User).where(User.phone_index.in_(indexes[start:start + 500])))}
    return found


def _signed_in(users: list[User]) -> set[int]:
    """The ids of those workers who hold a WeChat binding or a live sign-in somewhere (one query)."""
    ids = [u.id for u in users]
    live = set(db.session.scalars(select(LoginSession.user_id).where(
        LoginSession.user_id.in_(ids), LoginSession.revoked_at.is_(None)))) if ids else set()
    return live | {u.id for u in users if u.wechat_openid is not None}


def import_roster(rows: Iterable[SourceRow], area: Area, ttl_hours: int = 72,
                  now: dt.datetime | None = None) -> RosterResult:
    """Create the accounts of a roster in ``area``, each with a one-time invite code; returns their invite cards.

    All or nothing: every row is checked first (``check_roster``). A number already held by the same worker in
    ``area`` is that worker, not a new account: moved to the row's grid and role if they changed, and given a
    fresh code if they have not signed in yet (which voids their earlier unused codes). Flushes.

    Raises:
        RosterRejected: as ``check_roster``; nothing was written.
        table_files.FileFormatError: the file itself cannot be read.
    """
    plan = check_roster(rows, area)
    now = now or utcnow()
    cards, signed_in = [], []
    live = _signed_in([entry.existing for entry in plan.entries if entry.existing is not None])
    for entry in plan.entries:
        user = entry.existing
        if user is None:
            account = create_user(entry.name, entry.role, [entry.grid], invite_ttl_hours=ttl_hours)
            account.user.phone = entry.phone
            code = account.invite_code
        else:
            if entry.change == "updated":
                user.role, user.areas = entry.role, [entry.grid]
            if user.id in live:
                signed_in.append(user.name)
                continue
            code = reinvite(user, ttl_hours, now)
        cards.append(InviteCard(entry.name, entry.grid_label, entry.role.label, code))
    db.session.flush()
    return RosterResult(plan, cards, plan.count("new"), plan.count("updated"), plan.count("unchanged"), signed_in)
