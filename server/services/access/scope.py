"""Who may see what: every object is scoped to the areas of the signed-in staff member.

An object outside the caller's areas is reported as not found, never as
forbidden: the caller must not learn that it exists.
"""
from __future__ import annotations

from sqlalchemy import select, union

from models import Area, Building, Household, Pledge, StoredFile, User, Visit
from server.extensions import db


class OutOfScope(LookupError):
    """The object does not exist, or lies outside the caller's areas; callers answer 404 either way."""


def area_in_scope(user: User, area: Area) -> bool:
    """True when ``area`` lies at or beneath one of the user's areas."""
    return any(area.is_within(scope) for scope in user.areas)


def household_in_scope(user: User, household: Household) -> bool:
    """True when the household's grid lies within the user's areas."""
    return area_in_scope(user, household.building.grid)


def manages(user: User, worker: User) -> bool:
    """True when every one of ``worker``'s areas lies within the user's: only then may the user re-invite,
    deactivate or edit them. A worker whose grids span two communities belongs to neither head alone."""
    return bool(worker.areas) and all(area_in_scope(user, area) for area in worker.areas)


def get_area(user: User, area_id: int) -> Area:
    """The area ``area_id`` if the user may see it.

    Raises:
        OutOfScope: no such area, or outside the user's areas.
    """
    area = db.session.get(Area, area_id)
    if area is None or not area_in_scope(user, area):
        raise OutOfScope(area_id)
    return area


def get_building(user: User, building_id: int) -> Building:
    """The building ``building_id`` if the user may see it (its grid lies within the user's areas).

    Raises:
        OutOfScope: no such building, or outside the user's areas.
    """
    building = db.session.get(Building, building_id)
    if building is None or not area_in_scope(user, building.grid):
        raise OutOfScope(building_id)
    return building


def get_household(user: User, household_id: int) -> Household:
    """The household ``household_id`` if the user may see it.

    Raises:
        OutOfScope: no such household, or outside the user's areas.
    """
    household = db.session.get(Household, household_id)
    if household is None or not household_in_scope(user, household):
        raise OutOfScope(household_id)
    return household


def get_worker(user: User, worker_id: int) -> User:
    """The grid worker or volunteer ``worker_id`` if the user may manage them (``manages``).

    Raises:
        OutOfScope: no such account, not a field worker, or one of the worker's areas outside the user's.
    """
    worker = db.session.get(User, worker_id)
    if worker is None or not worker.role.is_field_worker or not manages(user, worker):
        raise OutOfScope(worker_id)
    return worker


def get_file(user: User, file_id: str) -> StoredFile:
    """A photo or signature if the user may see a household whose visit or pledge holds it.

    Raises:
        OutOfScope: no such file, one nobody's record holds, or only records outside the user's areas.
    """
    stored = db.session.get(StoredFile, file_id)
    holders = union(select(Visit.household_id).where(Visit.photo_file_id == file_id),
                    select(Pledge.household_id).where(Pledge.signature_file_id == file_id))
    households = db.session.scalars(select(Household).where(Household.id.in_(select(holders.subquery()))))
    if stored is None or not any(household_in_scope(user, household) for household in households):
        raise OutOfScope(file_id)
    return stored
