"""Did it really happen: spot checks (复核) of visits, and the resident's own word on the last visit."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow
from .personal import EncryptedFloat


class CheckReason(enum.StrEnum):
    SAMPLE = "sample"      # drawn at random
    FLAGGED = "flagged"    # a pattern in the worker's activity (burst, far GPS, reused image)
    DISPUTED = "disputed"  # the resident said nobody came

    @property
    def label(self) -> str:
        return {"sample": "随机抽取", "flagged": "异常标记", "disputed": "居民反映未来访"}[self.value]


class SpotCheckRound(Base):
    """One draw of a sample: its seed and parameters are kept, so the same seed draws the same sample again."""

    __tablename__ = "spot_check_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    seed: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)          # of each worker's contacted visits, 0.1 = 10 %
    minimum: Mapped[int] = mapped_column(Integer)        # at least this many per worker (all, if fewer)
    population: Mapped[int] = mapped_column(Integer)     # contacted visits the sample was drawn from
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    drawn_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    checks: Mapped[list["SpotCheck"]] = relationship(back_populates="round")


class SpotCheck(Base):
    """One visit to check again, by a checker who is not its worker, and what the household said."""

    __tablename__ = "spot_check"
    __table_args__ = (UniqueConstraint("round_id", "visit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("spot_check_round.id"), index=True)  # None: queued
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    reason: Mapped[CheckReason] = mapped_column(str_enum(CheckReason, "check_reason", 10))
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the household said, once checked.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)  # the phone's UUID: a retry is one check
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    visited: Mapped[bool | None] = mapped_column(Boolean)
    material_received: Mapped[bool | None] = mapped_column(Boolean)
    signed_themselves: Mapped[bool | None] = mapped_column(Boolean)
    agrees: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(ForeignKey("stored_file.id"))
    lat: Mapped[float | None] = mapped_column(EncryptedFloat)
    lng: Mapped[float | None] = mapped_column(EncryptedFloat)

    round: Mapped[SpotCheckRound | None] = relationship(back_populates="checks")
    visit: Mapped["Visit"] = relationship()  # noqa: F821
    checker: Mapped["User | None"] = relationship()  # noqa: F821


class ResidentWord(enum.StrEnum):
    CONFIRMED = "confirmed"  # 属实
    DENIED = "denied"        # 没有人来过

    @property
    def label(self) -> str:
        return {"confirmed": "属实", "denied": "没有人来过"}[self.value]


class ResidentAnswer(Base):
    """A resident's answer on the door page about the door's last visit: one per visit and browser."""

    __tablename__ = "resident_answer"
    __table_args__ = (UniqueConstraint("visit_id", "browser_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    browser_key: Mapped[str] = mapped_column(String(64))
    word: Mapped[ResidentWord] = mapped_column(str_enum(ResidentWord, "resident_word", 10))
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped["Visit"] = relationship()  # noqa: F821
