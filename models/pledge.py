"""A signed pledge (承诺书签字): one signer's signature on one version of the pledge text."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, str_enum, utcnow


class Relation(enum.StrEnum):
    HOUSEHOLDER = "householder"
    FAMILY = "family"
    TENANT = "tenant"

    @property
    def label(self) -> str:
        return {"householder": "户主", "family": "家庭成员", "tenant": "租户"}[self.value]


class PledgeChannel(enum.StrEnum):
    WORKER_VISIT = "worker_visit"     # signed on the worker's phone during a visit
    RESIDENT_PHONE = "resident_phone"  # signed by the resident, from the door code


class Pledge(Base):
    __tablename__ = "pledge"
    __table_args__ = (Index("ix_pledge_household_campaign", "household_id", "campaign_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    pledge_text_id: Mapped[int] = mapped_column(ForeignKey("pledge_text.id"))
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visit.id"), index=True)
    channel: Mapped[PledgeChannel] = mapped_column(str_enum(PledgeChannel, "pledge_channel", 16))
    signer_name: Mapped[str] = mapped_column(String(64))
    relation: Mapped[Relation] = mapped_column(str_enum(Relation, "relation", 12))
    signature_file_id: Mapped[str] = mapped_column(ForeignKey("stored_file.id"))
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)  # server time
    # SHA-256 over the canonical content: text hash, household, signer, signature hash, server time.
    content_sha256: Mapped[str] = mapped_column(String(64))
