"""The 台账: each household's progress in a campaign, and the roll-ups above it.

Roll-ups are counters kept per (campaign, building) and per (campaign, area),
moved by deltas in the same transaction as the visit or pledge that caused
them, so that reading any area's coverage costs one row, not a count over
its households.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, str_enum
from .visit import Outcome

#: The counters every roll-up keeps (DESIGN.md §3).
COUNTERS = ("households", "in_scope", "visited", "contacted", "pledged", "documented", "revisit_due")


class HouseholdProgress(Base):
    """Where one household stands in one campaign."""

    __tablename__ = "household_progress"

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True, index=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    visited: Mapped[bool] = mapped_column(Boolean, default=False)
    contacted: Mapped[bool] = mapped_column(Boolean, default=False)
    # A contacted visit with a photo and material handed out: two of the 三有.
    evidenced: Mapped[bool] = mapped_column(Boolean, default=False)
    pledged: Mapped[bool] = mapped_column(Boolean, default=False)
    vacant_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    last_outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "outcome", 10))
    last_visit_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def documented(self) -> bool:
        """三有: photo, material and a resident's signature."""
        return self.evidenced and self.pledged

    @property
    def revisit_due(self) -> bool:
        return not self.contacted and self.last_outcome is Outcome.NOT_HOME


class _Counters:
    households: Mapped[int] = mapped_column(Integer, default=0)
    in_scope: Mapped[int] = mapped_column(Integer, default=0)
    visited: Mapped[int] = mapped_column(Integer, default=0)
    contacted: Mapped[int] = mapped_column(Integer, default=0)
    pledged: Mapped[int] = mapped_column(Integer, default=0)
    documented: Mapped[int] = mapped_column(Integer, default=0)
    revisit_due: Mapped[int] = mapped_column(Integer, default=0)


class LedgerArea(_Counters, Base):
    """The roll-up of one area (grid, community, street or district) in one campaign."""

    __tablename__ = "ledger_area"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True, index=True)


class LedgerBuilding(_Counters, Base):
    """The roll-up of one building in one campaign."""

    __tablename__ = "ledger_building"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), primary_key=True, index=True)


class LedgerDay(Base):
    """What happened in one area on one day (Beijing time) of a campaign: for trends and week-on-week change.

    ``new_contacted`` and ``new_documented`` count households that became
    contacted or documented that day, so that a rate as of any past day is the
    current count less what came after.
    """

    __tablename__ = "ledger_day"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    contacts: Mapped[int] = mapped_column(Integer, default=0)
    pledges: Mapped[int] = mapped_column(Integer, default=0)
    new_contacted: Mapped[int] = mapped_column(Integer, default=0)
    new_documented: Mapped[int] = mapped_column(Integer, default=0)


#: The counters of a ``LedgerDay``.
DAY_COUNTERS = ("visits", "contacts", "pledges", "new_contacted", "new_documented")
