"""What residents tell us (意见建议), and where it stands: open → replied → closed."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, str_enum, utcnow
from .personal import EncryptedText


class FeedbackCategory(enum.StrEnum):
    COLLECTION_TIME = "collection_time"  # 收集时间
    DROP_OFF = "drop_off"                # 投放点设置
    ENVIRONMENT = "environment"          # 环境卫生
    KNOWLEDGE = "knowledge"              # 分类知识
    OTHER = "other"                      # 其他

    @property
    def label(self) -> str:
        return {"collection_time": "收集时间", "drop_off": "投放点设置", "environment": "环境卫生",
                "knowledge": "分类知识", "other": "其他"}[self.value]


class FeedbackStatus(enum.StrEnum):
    OPEN = "open"
    REPLIED = "replied"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "待回复", "replied": "已回复", "closed": "已办结"}[self.value]


class FeedbackChannel(enum.StrEnum):
    WORKER_VISIT = "worker_visit"
    RESIDENT_PHONE = "resident_phone"


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_household_status", "household_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visit.id"), index=True)
    channel: Mapped[FeedbackChannel] = mapped_column(str_enum(FeedbackChannel, "feedback_channel", 16),
                                                     default=FeedbackChannel.WORKER_VISIT)
    category: Mapped[FeedbackCategory] = mapped_column(str_enum(FeedbackCategory, "feedback_category", 16))
    text: Mapped[str] = mapped_column(Text)
    # A phone number the resident left for a call back: encrypted at rest, shown masked.
    contact_phone: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[FeedbackStatus] = mapped_column(str_enum(FeedbackStatus, "feedback_status", 10),
                                                   default=FeedbackStatus.OPEN)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
