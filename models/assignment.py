"""Who knocks where: a building (or one unit of it) assigned to a field worker for a campaign, and the coverage
target an admin sets for an area in a campaign."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .building import Building
from .user import User


class Assignment(Base):
    """One building, or one unit of it (``unit`` "" = the whole building), given to one worker for a campaign.

    One current assignee per building/unit and campaign: reassigning rewrites the row, and the audit log keeps
    who had it and who changed it. A unit's own assignment wins over its building's.
    """

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("campaign_id", "building_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id", ondelete="CASCADE"), index=True)
    # "" for the whole building, as Household.unit is "" for a building without units.
    unit: Mapped[str] = mapped_column(String(16), default="")
    worker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    building: Mapped[Building] = relationship()
    worker: Mapped[User] = relationship(foreign_keys=[worker_id])


class CoverageTarget(Base):
    """The 入户率 an admin wants an area to reach in a campaign, by a date (e.g. 95 % by 12月31日)."""

    __tablename__ = "coverage_target"
    __table_args__ = (UniqueConstraint("campaign_id", "area_id"),
                      CheckConstraint("percent > 0 AND percent <= 100", name="percent_in_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    percent: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
