"""A residential building (楼栋), placed on the map, in one grid of one community."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .area import Area
from .base import Base, UTCDateTime, utcnow


class Building(Base):
    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    community: Mapped[Area] = relationship(foreign_keys=[community_id])
    grid: Mapped[Area] = relationship(foreign_keys=[grid_id])

    def __repr__(self) -> str:
        return f"<Building {self.id} {self.name}>"
