"""What residents tell us (意见建议), and where it stands: open → replied → closed."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, str_enum, utcnow


class FeedbackCategory(enum.StrEnum):
    FACILITIES = "facilities"    # 设施设备：垃圾桶、投放点
    COLLECTION = "collection"    # 收运：时间、频次
    GUIDANCE = "guidance"        # 分类指导：不会分、宣传
    ENVIRONMENT = "environment"  # 环境卫生
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"facilities": "设施设备", "collection": "收运时间", "guidance": "分类指导",
                "environment": "环境卫生", "other": "其他"}[self.value]


class FeedbackStatus(enum.StrEnum):
    OPEN = "open"
    REPLIED = "replied"
    CLOSED = "closed"


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_household_status", "household_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visit.id"), index=True)
    category: Mapped[FeedbackCategory] = mapped_column(str_enum(FeedbackCategory, "feedback_category", 12))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[FeedbackStatus] = mapped_column(str_enum(FeedbackStatus, "feedback_status", 10),
                                                   default=FeedbackStatus.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
