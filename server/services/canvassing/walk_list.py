"""The worker's walk list, in door order, and what a worker sees after scanning a door."""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field

from sqlalchemy import and_, case, literal, not_, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from models import (Area, AreaLevel, Building, Campaign, Feedback, FeedbackStatus, Household, HouseholdProgress,
                    Standing, User, Visit, VisitMaterial)
from models.personal import phone_index
from server.extensions import db
from server.services.access.scope import OutOfScope, household_in_scope
from server.services.canvassing.assignments import assignee_id_column, whose
from server.services.registry.areas import areas_under
from server.services.registry.door_codes import find_household_by_token
from server.services.registry.door_order import DOOR_KEY_TYPES, door_key, door_order

MAX_LIMIT = 200
STATES = ("todo", "revisit", "done", "all")
_URL_TOKEN = re.compile(r"/q/([A-Za-z0-9_-]+)")
#: A cursor's values: whether the door is someone else's (0: the reader's own), then the door key.
CURSOR_TYPES = (int, *DOOR_KEY_TYPES)


class BadCursor(ValueError):
    """A cursor this server did not make."""


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(values, list) or len(values) != len(CURSOR_TYPES) \
            or any(type(value) is not kind for value, kind in zip(values, CURSOR_TYPES)):
        raise BadCursor(cursor)
    return values


@dataclass(frozen=True)
class WalkPage:
    items: list[tuple[Household, HouseholdProgress | None]]
    next_cursor: str | None
    #: Whose each door is, by household id: "我的", the assignee's masked name, or "未分配" (``assignments.whose``).
    whose: dict[int, str] = field(default_factory=dict)
    #: The households assigned to the reader.
    mine: frozenset[int] = frozenset()


def walk_list(grid: Area, campaign: Campaign, state: str = "todo", cursor: str | None = None,
              limit: int = 50, reader: User | None = None) -> WalkPage:
    """A page of the grid's households, the reader's assigned doors first, each part in door order, each with its
    progress in the campaign and whose it is.

    ``todo``: not yet visited (``Standing.to_visit``); ``revisit``: due a revisit (``Standing.revisit_due``);
    neither lists a household confirmed vacant. ``done``: visited, no revisit due; ``all``. The cursor carries
    the part (own or others') with the door key, so that paging stays stable across the two parts.

    Raises:
        BadCursor: a cursor this server did not make.
    """
    progress = HouseholdProgress
    assignee = assignee_id_column(campaign.id)
    others = case((assignee == reader.id, 0), else_=1) if reader is not None else literal(1)
    order = [others, *door_order()]
    standing = Standing.sql()
    query = (select(Household, progress, assignee)
             .join(Building, Household.building_id == Building.id)
             .join(Area, Building.grid_id == Area.id)
             .outerjoin(progress, and_(progress.household_id == Household.id, progress.campaign_id == campaign.id))
             .where(Building.grid_id == grid.id)
             .options(joinedload(Household.building)))
    if state == "todo":
        query = query.where(standing.to_visit)
    elif state == "revisit":
        query = query.where(standing.revisit_due)
    elif state == "done":
        query = query.where(standing.visited, not_(standing.revisit_due))
    if cursor:
        query = query.where(tuple_(*order) > tuple_(*[literal(v) for v in decode_cursor(cursor)]))
    limit = max(1, min(limit, MAX_LIMIT))
    rows = db.session.execute(query.order_by(*order).limit(limit + 1)).all()
    items = [(household, p) for household, p, _ in rows[:limit]]
    ids = {worker_id for *_, worker_id in rows[:limit] if worker_id}
    assignees = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    mine = frozenset(h.id for h, _, worker_id in rows[:limit] if reader is not None and worker_id == reader.id)
    next_cursor = None
    if len(rows) > limit:
        last = items[-1][0]
        next_cursor = encode_cursor([0 if last.id in mine else 1, *door_key(grid, last.building, last)])
    labels = {h.id: whose(assignees.get(worker_id), reader) for h, _, worker_id in rows[:limit]}
    return WalkPage(items, next_cursor, labels, mine)


def token_from_scan(scanned: str) -> str:
    """The door token in what a phone scanned: the bare token, or the whole door URL."""
    match = _URL_TOKEN.search(scanned)
    return match.group(1) if match else scanned.strip()


@dataclass(frozen=True)
class DoorCard:
    household: Household
    progress: HouseholdProgress | None
    last_visits: list[Visit]
    open_feedback: list[Feedback]


def door_card(household: Household, campaign: Campaign | None, visits: int = 5) -> DoorCard:
    """What a worker sees after scanning: the household, its progress, its last visits and open feedback."""
    progress = db.session.get(HouseholdProgress, (household.id, campaign.id)) if campaign else None
    last_visits = list(db.session.scalars(
        select(Visit).where(Visit.household_id == household.id,
                            *([Visit.campaign_id == campaign.id] if campaign else []))
        .order_by(Visit.visited_at.desc()).limit(visits)
        .options(joinedload(Visit.worker), selectinload(Visit.materials).joinedload(VisitMaterial.material),
                 selectinload(Visit.pledges))))
    feedback = list(db.session.scalars(
        select(Feedback).where(Feedback.household_id == household.id, Feedback.status == FeedbackStatus.OPEN)
        .order_by(Feedback.created_at.desc())))
    return DoorCard(household, progress, last_visits, feedback)


#: What a worker is told when the door code scanned is unknown, replaced, or of a door outside their areas.
SCAN_NOT_FOUND = "该二维码已失效，或这户不在您的网格内"


def household_by_scan(user: User, scanned: str) -> Household:
    """The household behind a scanned door code (token or URL), if the user may see it.

    Raises:
        OutOfScope: no household has this code (unknown or replaced), or it lies outside the user's areas.
    """
    household = find_household_by_token(token_from_scan(scanned))
    if household is None or not household_in_scope(user, household):
        raise OutOfScope(scanned, SCAN_NOT_FOUND)
    return household


def worker_grids(user) -> list[Area]:
    """The grids a worker walks: their grids, or every grid of the communities they are given."""
    grids: dict[int, Area] = {}
    for area in user.areas:
        for grid in db.session.scalars(areas_under(area, AreaLevel.GRID)):
            grids[grid.id] = grid
    return sorted(grids.values(), key=lambda g: g.path)


def worker_doors(user, campaign: Campaign) -> list[tuple[Household, HouseholdProgress | None]]:
    """Every household of the worker's grids, in door order, with its progress: the phone's offline copy."""
    grid_ids = [g.id for g in worker_grids(user)]
    progress = HouseholdProgress
    return db.session.execute(
        select(Household, progress).join(Building, Household.building_id == Building.id)
        .join(Area, Building.grid_id == Area.id)
        .outerjoin(progress, and_(progress.household_id == Household.id, progress.campaign_id == campaign.id))
        .where(Building.grid_id.in_(grid_ids)).options(joinedload(Household.building))
        .order_by(*door_order())).all()


def find_doors(user, building: str, room: str, phone: str = "", limit: int = 30) -> list[Household]:
    """Households of the worker's grids by building and room, or by the head's phone number.

    For doors whose label is missing, or a resident who calls. Phone numbers are
    stored encrypted: the number is found by its blind index, whole numbers only.
    """
    grid_ids = [g.id for g in worker_grids(user)]
    query = (select(Household).join(Building, Household.building_id == Building.id)
             .join(Area, Building.grid_id == Area.id)
             .where(Building.grid_id.in_(grid_ids)).options(joinedload(Household.building)))
    if phone.strip():
        query = query.where(Household.head_phone_index == phone_index(phone))
    if building.strip():
        query = query.where(Building.name.contains(building.strip()))
    if room.strip():
        query = query.where(Household.room.startswith(room.strip()))
    return list(db.session.scalars(query.order_by(*door_order()).limit(limit)))
