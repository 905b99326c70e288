"""A signed pledge (承诺书签字): one signer's signature on one version of the pledge text."""
from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow


class Relation(enum.StrEnum):
    HOUSEHOLDER = "householder"
    FAMILY = "family"
    TENANT = "tenant"

    @property
    def label(self) -> str:
        return {"householder": "户主", "family": "家庭成员", "tenant": "租户"}[self.value]


#: The receipt code: 8 letters and digits that cannot be misread on a phone screen or a printout,
#: shown in two groups of four (``ABCD-2345``); dashes and case are ignored when one is typed back.
RECEIPT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECEIPT_CODE_LENGTH = 8


def new_receipt_code() -> str:
    """A random receipt code, as stored (no dash); the caller makes sure it is unused."""
    return "".join(secrets.choice(RECEIPT_CODE_ALPHABET) for _ in range(RECEIPT_CODE_LENGTH))


def receipt_code_typed(text: str | None) -> str | None:
    """A receipt code as typed (dashes and case ignored) in its stored form, or None if it cannot be one."""
    code = (text or "").replace("-", "").upper()
    return code if len(code) == RECEIPT_CODE_LENGTH else None


class PledgeChannel(enum.StrEnum):
    WORKER_VISIT = "worker_visit"     # signed on the worker's phone during a visit
    RESIDENT_PHONE = "resident_phone"  # signed by the resident, from the door code


class Pledge(Base):
    """A signature, chained to the campaign's previous pledge: editing or deleting one breaks the chain."""

    __tablename__ = "pledge"
    __table_args__ = (Index("ix_pledge_household_campaign", "household_id", "campaign_id"),
                      UniqueConstraint("campaign_id", "seq"))

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
    # Position in the campaign's chain, 1, 2, 3 …, and the content hash of the pledge before it.
    seq: Mapped[int] = mapped_column(Integer)
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    # SHA-256 over the canonical content: text, household, signer, relation, signature, channel, server time,
    # position and previous hash.
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # The short code on the resident's receipt, for the verification page.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    # The resident form's one-time key: a double tap or a retry gives back this pledge.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The version of the privacy notice the signer consented to (resident phone).
    consent_version: Mapped[str | None] = mapped_column(String(16))
    # WeChat's content check said "review": kept, and shown to the community to look at.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)

    household: Mapped["Household"] = relationship()  # noqa: F821 (resolved by the registry)
    text: Mapped["PledgeText"] = relationship()  # noqa: F821

    @property
    def receipt_code(self) -> str:
        """The code as the receipt shows it, in two groups of four (``ABCD-2345``)."""
        return f"{self.code[:4]}-{self.code[4:]}"
