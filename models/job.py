"""Long work run in the background (a district's 台账, its door labels): who asked, how far it is, where its file is."""
from __future__ import annotations

import datetime as dt
import enum
import json
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from .area import Area
    from .campaign import Campaign


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}[self.value]

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


class Job(Base):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a uuid4: an address nobody can guess
    kind: Mapped[str] = mapped_column(String(32))  # a registered kind: export_ledger, labels, …
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    params: Mapped[str | None] = mapped_column(Text)  # JSON
    status: Mapped[JobStatus] = mapped_column(str_enum(JobStatus, "job_status", 10), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)  # why it failed, in Chinese, for the person who asked
    file: Mapped[str | None] = mapped_column(String(64))  # the file's name in the job folder, once written
    rows: Mapped[int | None] = mapped_column(Integer)  # what the file holds (households, labels), for the audit log
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the file is removed after this

    area: Mapped[Area] = relationship()
    campaign: Mapped[Campaign | None] = relationship()

    @property
    def parameters(self) -> dict:
        """What the work function was asked for beyond the area and campaign (e.g. a report's month)."""
        return json.loads(self.params) if self.params else {}

    def expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    @property
    def percent(self) -> int:
        if self.status is JobStatus.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
