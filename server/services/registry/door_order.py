"""Door order: the one order in which doors are listed, printed, exported and paged, the same on every database.

Grids in the order of the area tree (so communities first, then their grids), then building, unit,
floor and room; each name in natural order ("2栋" before "10栋": the shorter name first, then
character by character); rooms without a floor before the lowest floor; the household's id breaks
ties. Text compares by code point on SQLite and PostgreSQL alike (``COLLATE BINARY``, ``COLLATE "C"``),
so a database's locale cannot reorder it, and a missing floor is ``NO_FLOOR``, never NULL, which the
two databases would sort at opposite ends. ``door_order`` gives the ORDER BY terms and ``door_key``
the same key in Python (a keyset cursor's values, a sort in memory): both are ``_door_terms``.
"""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import String, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models import Area, Building, Household

#: Where a room without a floor sorts: below any real floor, basements included.
NO_FLOOR = -1000


class by_code_point(FunctionElement):
    """Text that sorts and compares by code point, whatever the database's collation."""

    type = String()
    name = "by_code_point"
    inherit_cache = True


@compiles(by_code_point)
def _binary(element, compiler, **kw):
    return f"{compiler.process(element.clauses, **kw)} COLLATE BINARY"


@compiles(by_code_point, "postgresql")
def _c_collation(element, compiler, **kw):
    return f'{compiler.process(element.clauses, **kw)} COLLATE "C"'


def _door_terms(grid, building, household, length, text, floor) -> list:
    """The door order, written once, in terms of how to measure a name's length, compare text and place a floor."""
    return [text(grid.path), *natural(building.name, length, text), *natural(household.unit, length, text),
            floor(household.floor), *natural(household.room, length, text), household.id]


def natural(name, length=func.length, text=by_code_point) -> list:
    """A name's natural order: its length, then its text ("2栋" before "10栋"). SQL terms by default."""
    return [length(name), text(name)]


def natural_key(name: str) -> tuple[int, str]:
    """``natural`` in Python."""
    return tuple(natural(name, len, str))


def floor_key(floor: int | None) -> int:
    """Where a floor sorts, in Python: ``NO_FLOOR`` for a room without one."""
    return NO_FLOOR if floor is None else floor


def door_order(grid=Area, building=Building, household=Household) -> list:
    """The ORDER BY terms of door order, over a grid ``Area`` (or an alias of it) joined to the building."""
    return _door_terms(grid, building, household, func.length, by_code_point, lambda f: func.coalesce(f, NO_FLOOR))


def door_key(grid: Area, building: Building, household: Household) -> list:
    """The values ``door_order`` sorts a household by, in Python: equal order, value for value."""
    return _door_terms(grid, building, household, len, str, floor_key)


#: The type of each value of a door key: what a keyset cursor must hold.
DOOR_KEY_TYPES = tuple(type(v) for v in door_key(SimpleNamespace(path=""), SimpleNamespace(name=""),
                                                 SimpleNamespace(unit="", floor=0, room="", id=0)))
