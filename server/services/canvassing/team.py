"""The team that knocks (人员): the field workers of an area, which of them a head manages, and what the invite QR code
on the team page holds."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import FIELD_ROLES, Area, User, user_area
from server.extensions import db
from server.services.access.scope import manages
from server.services.registry.areas import areas_under
from server.services.registry.door_codes import qr_png

#: What the team page's invite QR code holds before the code: the mini-program reads a code after it.
INVITE_PREFIX = "QIAOMEN-INVITE:"


@dataclass
class Team:
    #: Grid workers and volunteers with at least one area at or beneath the area, each once, by name.
    workers: list[User]
    #: The ids of those the viewer manages (``scope.manages``): only they may be re-invited, signed out, deactivated.
    managed: set[int]


def workers_under(area: Area) -> list[User]:
    """The grid workers and volunteers with an area at or beneath ``area``, each once, by name. Raises nothing."""
    areas = areas_under(area).with_only_columns(Area.id).order_by(None)
    return list(db.session.scalars(select(User).join(user_area, user_area.c.user_id == User.id)
                                   .where(user_area.c.area_id.in_(areas), User.role.in_(FIELD_ROLES))
                                   .distinct().order_by(User.name)))


def team_of(viewer: User, area: Area) -> Team:
    """The team under ``area`` as ``viewer`` sees it. Raises nothing."""
    workers = workers_under(area)
    return Team(workers, {worker.id for worker in workers if manages(viewer, worker)})


def invite_payload(code: str) -> str:
    """The text of an invite code's QR code on the team page: ``QIAOMEN-INVITE:<code>``."""
    return f"{INVITE_PREFIX}{code}"


def invite_qr_png(code: str) -> bytes:
    """The team page's QR code of an invite code, as a PNG. Raises nothing."""
    return qr_png(invite_payload(code), box_size=6)
