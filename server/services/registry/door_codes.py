"""Door QR codes: one opaque token per household, its URL, its images, and rotation."""
from __future__ import annotations

import functools
import io
import re

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_Q
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Building, Household, User, household_label, new_door_token
from server.extensions import db
from server.services.access.audit import record

#: What a door token looks like; anything else is refused before the database is asked.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,24}")
#: Q recovers about a quarter of the code: a label scuffed, stained or half in shadow still reads.
ERROR_CORRECTION = ERROR_CORRECT_Q
#: The mask every door code uses. Any mask is valid; choosing the "best" one per code
#: would score all eight and cost four times the generation time, for no gain on a clean print.
MASK_PATTERN = 4


def door_url(base_url: str, household: Household) -> str:
    """The URL a door code holds: ``PUBLIC_BASE_URL/q/<token>``."""
    return f"{base_url}/q/{household.token}"


def find_household_by_token(token: str) -> Household | None:
    """The household whose door carries ``token``, with its building, grid and community, by one indexed lookup.

    None for unknown or rotated tokens.
    """
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    building = joinedload(Household.building)
    return db.session.scalar(select(Household).where(Household.token == token)
                             .options(building.joinedload(Building.grid), building.joinedload(Building.community)))


class RotationRefused(PermissionError):
    """Grid workers and volunteers do not change door codes: a new code means printing and posting a new label."""


def may_rotate(user: User) -> bool:
    """Heads and admins may rotate a door code; grid workers and volunteers may not."""
    return not user.role.is_field_worker


def rotate_door_token(household: Household, user: User, ip: str | None = None) -> str:
    """Give ``household`` a new door token as ``user``, written to the audit log; the old one stops working at once.

    Flushes. The caller has checked that the household lies in the user's areas.

    Raises:
        RotationRefused: the user is a grid worker or volunteer.
    """
    if not may_rotate(user):
        raise RotationRefused()
    household.token = new_door_token()
    record(user, "rotate_door_code", "household", household.id, ip=ip)
    return household.token


@functools.lru_cache(maxsize=32)
def _version_for(length: int) -> int:
    """The smallest QR version that holds a URL of ``length`` bytes: door URLs share their length."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0, mask_pattern=MASK_PATTERN)
    code.add_data("x" * length)
    code.make(fit=True)
    return code.version


def qr_code(url: str, border: int = 4) -> qrcode.QRCode:
    """A QR code for ``url`` at level Q, made without the per-code search for version and mask."""
    code = qrcode.QRCode(version=_version_for(len(url.encode())), error_correction=ERROR_CORRECTION,
                         border=border, mask_pattern=MASK_PATTERN)
    code.add_data(url)
    code.make(fit=False)
    return code


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of the code for ``url``, without a quiet zone (True is dark)."""
    return qr_code(url, border=0).get_matrix()


def qr_png(url: str, box_size: int = 10) -> bytes:
    """The code for ``url`` as a PNG, with the standard 4-module quiet zone."""
    code = qr_code(url)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(url: str) -> bytes:
    """The code for ``url`` as a scalable SVG path, for print shops and posters."""
    code = qr_code(url)
    buffer = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue()


def mask_label(household: Household) -> str:
    """The address a resident's page may show: the room masked but its last digit, ``3栋2单元**1``."""
    room = household.room
    masked = "*" * (len(room) - 1) + room[-1:] if len(room) > 1 else "*"
    return household_label(household.building.name, household.unit, masked)
