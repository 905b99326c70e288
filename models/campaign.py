"""A canvassing round (敲门行动), the material it hands out and its pledge texts."""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .area import Area
from .base import Base, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from .quiz import Quiz


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"draft": "筹备中", "active": "进行中", "closed": "已结束"}[self.value]


class Campaign(Base):
    __tablename__ = "campaign"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="period_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[CampaignStatus] = mapped_column(
        str_enum(CampaignStatus, "campaign_status", 10),
        default=CampaignStatus.DRAFT,
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area] = relationship()
    materials: Mapped[list["Material"]] = relationship(
        back_populates="campaign", order_by="Material.sort_order", cascade="all, delete-orphan")
    pledge_texts: Mapped[list["PledgeText"]] = relationship(
        back_populates="campaign", order_by="PledgeText.version", cascade="all, delete-orphan")
    notice_texts: Mapped[list["NoticeText"]] = relationship(
        back_populates="campaign", order_by="NoticeText.version", cascade="all, delete-orphan")
    quizzes: Mapped[list["Quiz"]] = relationship(order_by="Quiz.version", cascade="all, delete-orphan")

    @property
    def current_pledge_text(self) -> "PledgeText | None":
        return self.pledge_texts[-1] if self.pledge_texts else None

    @property
    def latest_quiz(self) -> "Quiz | None":
        """The quiz's latest version, as saved (it may ask nothing)."""
        return self.quizzes[-1] if self.quizzes else None

    @property
    def current_quiz(self) -> "Quiz | None":
        """The quiz asked now: its latest version, if the campaign has one with a question to ask."""
        quiz = self.latest_quiz
        return quiz if quiz is not None and (quiz.questions or quiz.satisfaction_question) else None

    @property
    def current_notice_text(self) -> "NoticeText | None":
        """The 告知书 residents read and staff hand out now: its latest version."""
        return self.notice_texts[-1] if self.notice_texts else None


class Material(Base):
    """Something handed out at the door: 告知书, 承诺书, 宣传手册 …"""

    __tablename__ = "material"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),
                      CheckConstraint("planned_quantity IS NULL OR planned_quantity >= 0",
                                      name="planned_quantity_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    # How many were printed for the campaign, when the office says so.
    planned_quantity: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="materials")


class NoticeText(Base):
    """One version of a campaign's 告知书 (notice). Editing the notice publishes a new version; none is rewritten."""

    __tablename__ = "notice_text"
    __table_args__ = (UniqueConstraint("campaign_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="notice_texts")

    @validates("body")
    def _refuse_rewrite(self, key, value):
        if self.sha256 is not None and self.body != value:
            raise ValueError(f"notice text v{self.version} is published; publish a new version")
        return value

    def seal(self) -> None:
        """Compute the fingerprint from the wording."""
        self.sha256 = notice_sha256(self.body)


def notice_sha256(body: str) -> str:
    """The fingerprint of a notice text: SHA-256 over its body."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def text_sha256(title: str, body: str) -> str:
    """The fingerprint of a pledge text: SHA-256 over its title and body."""
    return hashlib.sha256(f"{title}\n\n{body}".encode("utf-8")).hexdigest()


class PledgeTextInUse(Exception):
    """A pledge text that residents have signed cannot change; publish a new version."""


class PledgeText(Base):
    """One version of a campaign's 承诺书. Once signed, its wording is fixed for good."""

    __tablename__ = "pledge_text"
    __table_args__ = (UniqueConstraint("campaign_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by the first signature; from then on title and body are immutable.
    first_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship(back_populates="pledge_texts")

    @validates("title", "body")
    def _refuse_change_once_used(self, key, value):
        if self.first_used_at is not None and getattr(self, key) != value:
            raise PledgeTextInUse(f"pledge text v{self.version} has been signed; publish a new version")
        return value

    def seal(self) -> None:
        """Compute the fingerprint from the current wording."""
        self.sha256 = text_sha256(self.title, self.body)
