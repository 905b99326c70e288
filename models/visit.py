"""A visit (入户走访): one knock on one door, with what was handed out."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow
from .personal import EncryptedFloat


class Outcome(enum.StrEnum):
    CONTACTED = "contacted"
    NOT_HOME = "not_home"
    REFUSED = "refused"
    VACANT = "vacant"

    @property
    def label(self) -> str:
        return {"contacted": "入户宣传", "not_home": "无人在家", "refused": "拒绝", "vacant": "空置"}[self.value]


class Visit(Base):
    """The id comes from the phone (a UUID), so that a retried send is recognised, not repeated."""

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_household_campaign", "household_id", "campaign_id", "visited_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "outcome", 10))
    visited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the phone's clock
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)  # ours
    photo_file_id: Mapped[str | None] = mapped_column(ForeignKey("stored_file.id"))
    # Where the phone was: sensitive, so encrypted at rest (see models.personal).
    lat: Mapped[float | None] = mapped_column(EncryptedFloat)
    lng: Mapped[float | None] = mapped_column(EncryptedFloat)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    # SHA-256 of the request as sent: the same id with other content is a conflict.
    request_sha256: Mapped[str] = mapped_column(String(64))
    # The household's progress right after this visit: part of the answer a replay gets again.
    progress_json: Mapped[str] = mapped_column(Text)
    # A spot check found that nobody came: the visit counts in no ledger from then on.
    found_false_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    materials: Mapped[list["VisitMaterial"]] = relationship(cascade="all, delete-orphan")
    worker: Mapped["User"] = relationship()  # noqa: F821 (resolved by the registry)
    pledges: Mapped[list["Pledge"]] = relationship(viewonly=True)  # noqa: F821
    feedback: Mapped[list["Feedback"]] = relationship(viewonly=True)  # noqa: F821


class VisitMaterial(Base):
    __tablename__ = "visit_material"
    __table_args__ = (UniqueConstraint("visit_id", "material_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"))
    quantity: Mapped[int] = mapped_column(Integer)

    material: Mapped["Material"] = relationship()  # noqa: F821
