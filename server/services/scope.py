"""Who may see what: every object is scoped to the areas of the signed-in staff member.

An object outside the caller's areas is reported as not found, never as
forbidden: the caller must not learn that it exists.
"""
from __future__ import annotations

from sqlalchemy import select, union

from models import Area, Household, Pledge, StoredFile, User, Visit
from server.extensions import db


class OutOfScope(LookupError):
    """The object does not exist, or lies outside the caller's areas; callers answer 404 either way."""


def area_in_scope(user: User, area: Area) -> bool:
    """True when ``area`` lies at or beneath one of the user's areas."""
    return any(area.is_within(scope) for scope in user.areas)


def household_in_scope(user: User, household: Household) -> bool:
    """True when the household's grid lies within the user's areas."""
    return area_in_scope(user, household.building.grid)


def get_area(user: User, area_id: int) -> Area:
    """The area ``area_id`` if the user may see it.

    Raises:
        OutOfScope: no such area, or outside the user's areas.
    """
    area = db.session.get(Area, area_id)
    if area is None or not area_in_scope(user, area):
        raise OutOfScope(area_id)
    return area


def get_household(user: User, household_id: int) -> Household:
    """The household ``household_id`` if the user may see it.

    Raises:
        OutOfScope: no such household, or outside the user's areas.
    """
    household = db.session.get(Household, household_id)
    if household is None or not household_in_scope(user, household):
        raise OutOfScope(household_id)
    return household


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
