"""What each reader is shown of a household, said in this one place (as CTFd's schemas list their fields per
audience): the worker's walk list, the card at the door and the phone's offline copy, the head's household page,
the resident's door page. Names and phone numbers leave here only masked (models.personal); the one full phone
number, asked for with a reason, comes from ``personal_data.reveal_phone``, not from here.
"""
from __future__ import annotations

from typing import Callable

from models import Household
from server.services.registry.door_codes import mask_label

from .masking import mask_name, mask_phone

#: Every field any reader may be shown, and how it is read off a household.
HOUSEHOLD_FIELDS: dict[str, Callable[[Household], object]] = {
    "id": lambda h: h.id,
    "token": lambda h: h.token,  # the door code's token: the phone's copy finds a scanned door by it
    "label": lambda h: h.label,
    "address": mask_label,  # the label with the room masked but its last digit, for the door page
    "community": lambda h: h.building.community.name,
    "grid": lambda h: h.building.grid.name,
    "grid_id": lambda h: h.building.grid_id,
    "building": lambda h: h.building.name,
    "unit": lambda h: h.unit,
    "floor": lambda h: h.floor,
    "room": lambda h: h.room,
    "occupancy": lambda h: h.occupancy.value,
    "occupancy_label": lambda h: h.occupancy.label,
    "head_name": lambda h: mask_name(h.head_name) or None,
    "head_phone": lambda h: mask_phone(h.head_phone) or None,
}

_WALK = ("id", "label", "building", "unit", "floor", "room", "occupancy")

#: Who is shown which fields. A field not listed for a reader is never computed for them.
HOUSEHOLD_VIEWS: dict[str, tuple[str, ...]] = {
    # the mini-program's walk list
    "worker": _WALK,
    # the card a worker sees after scanning a door
    "worker_door": (*_WALK, "community", "grid", "head_name", "head_phone"),
    # the phone's copy of the worker's doors (/w/app.json), kept for a day offline
    "worker_offline": ("id", "token", "label", "building", "unit", "room", "grid_id", "occupancy"),
    # the head's household page and the staff household page
    "head": ("id", "label", "community", "grid", "occupancy", "occupancy_label", "head_name", "head_phone"),
    # the resident's door page and receipt: no name, no phone, not even the whole room number
    "resident": ("community", "address"),
}


def household_view(household: Household, view: str) -> dict:
    """The fields of ``household`` that ``view``'s reader is shown (a key of ``HOUSEHOLD_VIEWS``; KeyError for
    another)."""
    return {name: HOUSEHOLD_FIELDS[name](household) for name in HOUSEHOLD_VIEWS[view]}
