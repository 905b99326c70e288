"""Where buildings are: placing one on the map, positions suggested from the field, and those still unplaced.

A building's ``lat``/``lng`` is always a confirmed position (imported, placed by a head or admin, or a suggestion a
head accepted), in GCJ-02 like everything on the map (see models/building.py). A suggestion is computed when asked,
from visits' GPS fixes, and never stored in the building until someone accepts it.
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from models import Area, Building, Household, Outcome, PositionSource, User, Visit, utcnow
from server.extensions import db
from server.services.access.audit import record
from server.services.access.scope import NOT_FOUND, OutOfScope, area_in_scope
from server.services.registry.areas import buildings_under, grid_ids_under

#: A position must lie in China: GCJ-02 is defined there only, and a point elsewhere is a slip of the hand or a
#: swapped pair (latitude, then longitude). The country's bounding box, in degrees.
LAT_RANGE = (3.8, 53.6)
LNG_RANGE = (73.4, 135.1)

#: A suggestion needs at least this many contacted visits with a fix ...
SUGGESTION_MIN_FIXES = 3
#: ... each accurate to this many metres or better.
SUGGESTION_MAX_ACCURACY_M = 50


class PlacementRefused(PermissionError):
    """Grid workers and volunteers do not place buildings: the map is the heads' and admins'."""


class PositionOutOfRange(ValueError):
    """Coordinates that are not numbers, or lie outside China; ``errors`` says which, by field, in Chinese."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class NoSuggestion(LookupError):
    """The building has no suggested position to accept (too few accurate fixes, or already placed)."""


@dataclass(frozen=True)
class Suggestion:
    """The median of a building's accurate contacted fixes, per coordinate."""

    building_id: int
    lat: float
    lng: float
    fixes: int


def may_place(user: User) -> bool:
    """Heads and admins place buildings; grid workers and volunteers do not."""
    return not user.role.is_field_worker


def check_position(lat, lng) -> tuple[float, float]:
    """The coordinates as floats if they are numbers within China.

    Raises:
        PositionOutOfRange: either is missing, not a finite number, or outside China's bounding box.
    """
    errors: dict[str, str] = {}
    values = {}
    for field, value, (low, high), name in (("lat", lat, LAT_RANGE, "纬度"), ("lng", lng, LNG_RANGE, "经度")):
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[field] = f"{name}应为数字"
            continue
        if not math.isfinite(number) or not low <= number <= high:
            errors[field] = f"{name}超出范围：位置应在中国境内（{name} {low}–{high}）"
            continue
        values[field] = number
    if errors:
        raise PositionOutOfRange(errors)
    return values["lat"], values["lng"]


def place_building(user: User, building: Building, lat, lng, source: PositionSource = PositionSource.PLACED,
                   ip: str | None = None) -> Building:
    """Put ``building`` at (``lat``, ``lng``) (GCJ-02) as ``user``; the old and new positions go to the audit log.

    Flushes. ``source`` is ``placed`` for a drag or a drop, ``accepted`` when a suggestion is taken.

    Raises:
        PlacementRefused: the user is a grid worker or volunteer.
        OutOfScope: the building lies outside the user's areas (answer 404).
        PositionOutOfRange: as ``check_position``; nothing is changed.
    """
    if not may_place(user):
        raise PlacementRefused()
    if not area_in_scope(user, building.grid):
        raise OutOfScope(building.id, NOT_FOUND["building"])
    lat, lng = check_position(lat, lng)
    before = [building.lat, building.lng] if building.has_position else None
    before_source = building.position_source.value if building.position_source else None
    building.lat, building.lng = lat, lng
    building.position_source = PositionSource(source)
    building.positioned_by_id, building.positioned_at = user.id, utcnow()
    record(user, "place_building", "building", building.id, ip=ip,
           detail={"from": before, "from_source": before_source, "to": [lat, lng], "source": building.position_source.value})
    return building


def accept_suggestion(user: User, building: Building, ip: str | None = None) -> Building:
    """Confirm the building's suggested position as its position (``accepted``), audited.

    Flushes.

    Raises:
        PlacementRefused: the user is a grid worker or volunteer.
        OutOfScope: the building lies outside the user's areas (answer 404).
        NoSuggestion: the building already has a position, or too few accurate contacted fixes.
    """
    if not may_place(user):
        raise PlacementRefused()
    if not area_in_scope(user, building.grid):
        raise OutOfScope(building.id, NOT_FOUND["building"])
    suggestion = suggested_positions(select(Building.id).where(Building.id == building.id)).get(building.id)
    if suggestion is None:
        raise NoSuggestion(building.id)
    return place_building(user, building, suggestion.lat, suggestion.lng, PositionSource.ACCEPTED, ip)


def unplaced_building_ids(area: Area):
    """The ids of the buildings under ``area`` with no confirmed position, as a subquery."""
    return select(Building.id).where(Building.grid_id.in_(grid_ids_under(area)), Building.lat.is_(None))


def unplaced_buildings(area: Area) -> list[Building]:
    """Buildings under ``area`` with no confirmed position, by grid and name."""
    return list(db.session.scalars(buildings_under(area).where(Building.lat.is_(None))
                                   .order_by(Building.grid_id, Building.name)))


def count_unplaced(area: Area) -> int:
    """How many buildings under ``area`` have no confirmed position (so their visits' GPS cannot be checked)."""
    return db.session.scalar(select(func.count()).select_from(unplaced_building_ids(area).subquery()))


def suggested_positions(building_ids) -> dict[int, Suggestion]:
    """Suggestions for the buildings ``building_ids`` (a subquery of ids) that have no confirmed position, by id.

    One query reads the fixes of those buildings that have at least ``SUGGESTION_MIN_FIXES`` contacted visits
    fixed to ``SUGGESTION_MAX_ACCURACY_M`` metres or better (counted in SQL, so other buildings' fixes are never
    read); the median per coordinate is taken here, since a visit's GPS is encrypted at rest. Visits of every
    campaign count: a building does not move between rounds.
    """
    accurate = (Visit.outcome == Outcome.CONTACTED, Visit.accuracy_m.is_not(None),
                Visit.accuracy_m <= SUGGESTION_MAX_ACCURACY_M, Visit.lat.is_not(None), Visit.lng.is_not(None))
    unplaced = select(Building.id).where(Building.id.in_(building_ids), Building.lat.is_(None))
    enough = (select(Household.building_id).join(Visit, Visit.household_id == Household.id)
              .where(Household.building_id.in_(unplaced), *accurate)
              .group_by(Household.building_id).having(func.count(Visit.id) >= SUGGESTION_MIN_FIXES))
    rows = db.session.execute(
        select(Household.building_id, Visit.lat, Visit.lng).join(Visit, Visit.household_id == Household.id)
        .where(Household.building_id.in_(enough), *accurate))
    fixes: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for building_id, lat, lng in rows:
        if lat is not None and lng is not None:
            fixes[building_id].append((lat, lng))
    return {building_id: Suggestion(building_id, statistics.median(p[0] for p in points),
                                    statistics.median(p[1] for p in points), len(points))
            for building_id, points in fixes.items() if len(points) >= SUGGESTION_MIN_FIXES}


def suggestions_under(area: Area) -> dict[int, Suggestion]:
    """Suggested positions for the unplaced buildings under ``area``, by building id."""
    return suggested_positions(unplaced_building_ids(area))
