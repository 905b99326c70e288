"""A household (户): one dwelling behind one door."""
from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import Base, UTCDateTime, str_enum, utcnow
from .building import Building
from .personal import EncryptedText, phone_index


class Occupancy(enum.StrEnum):
    OCCUPIED = "occupied"
    VACANT = "vacant"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"occupied": "入住", "vacant": "空置", "unknown": "未知"}[self.value]


def new_door_token() -> str:
    """An opaque door token: 96 random bits in 16 URL-safe characters.

    Short enough for a small QR code and for WeChat's 32-character ``scene``;
    it says nothing about the household it opens.
    """
    return secrets.token_urlsafe(12)


def household_label(building_name: str, unit: str, room: str) -> str:
    """The label painted on a door list: ``3栋2单元501``, or ``3栋501`` without units."""
    return f"{building_name}{unit}单元{room}" if unit else f"{building_name}{room}"


class Household(Base):
    __tablename__ = "household"
    __table_args__ = (UniqueConstraint("building_id", "unit", "room"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    # "" when the building has no units, so that the unique constraint holds.
    unit: Mapped[str] = mapped_column(String(16), default="")
    floor: Mapped[int | None] = mapped_column(Integer)
    room: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(96))
    occupancy: Mapped[Occupancy] = mapped_column(
        str_enum(Occupancy, "occupancy", 10),
        default=Occupancy.UNKNOWN,
    )
    head_name: Mapped[str | None] = mapped_column(String(64))
    head_phone: Mapped[str | None] = mapped_column(EncryptedText)  # see models.personal
    head_phone_index: Mapped[str | None] = mapped_column(String(32), index=True)
    # What the door's QR code carries; rotated when a label is damaged or abused.
    token: Mapped[str] = mapped_column(String(24), unique=True, default=new_door_token)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    building: Mapped[Building] = relationship()

    @validates("head_phone")
    def _index_phone(self, key: str, phone: str | None) -> str | None:
        self.head_phone_index = phone_index(phone)
        return phone or None

    def __repr__(self) -> str:
        return f"<Household {self.id} {self.label}>"
