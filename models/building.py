"""A residential building (楼栋), placed on the map, in one grid of one community.

Coordinates are GCJ-02 (国测局坐标, "火星坐标"): the system of WeChat's ``wx.getLocation({type: 'gcj02'})``,
of the mini-program's map and of the 高德/腾讯 tiles the dashboard map is drawn on. A position from a WGS-84
source (a bare GPS, a browser's ``navigator.geolocation``, 天地图) lies a few hundred metres off in China and must
be converted before it is stored.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .area import Area
from .base import Base, UTCDateTime, str_enum, utcnow


class PositionSource(enum.StrEnum):
    """Where a building's (confirmed) position came from. A suggestion from visits' GPS is never stored here."""

    IMPORTED = "imported"   # from the register (经度/纬度), the demo city or any other bulk load
    PLACED = "placed"       # dragged or dropped onto the dashboard map by a head or admin
    ACCEPTED = "accepted"   # a suggested position (median of visits' GPS fixes) a head accepted

    @property
    def label(self) -> str:
        return {"imported": "导入", "placed": "手动标注", "accepted": "采纳建议位置"}[self.value]


def _source_on_insert(context) -> PositionSource | None:
    """A building inserted with a position and no source came in bulk (import, seed): ``imported``."""
    return PositionSource.IMPORTED if context.get_current_parameters().get("lat") is not None else None


class Building(Base):
    __tablename__ = "building"
    __table_args__ = (
        UniqueConstraint("community_id", "name"),
        CheckConstraint("(lat IS NULL) = (lng IS NULL)", name="lat_lng_together"),
        CheckConstraint("lat IS NOT NULL OR position_source IS NULL", name="source_needs_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    # GCJ-02 degrees (see the module's docstring); both set or both empty. Always a confirmed position.
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    position_source: Mapped[PositionSource | None] = mapped_column(
        str_enum(PositionSource, "position_source", 10), default=_source_on_insert)
    positioned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    positioned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    community: Mapped[Area] = relationship(foreign_keys=[community_id])
    grid: Mapped[Area] = relationship(foreign_keys=[grid_id])
    positioned_by: Mapped["User | None"] = relationship(foreign_keys=[positioned_by_id])  # noqa: F821 (registry)

    @property
    def has_position(self) -> bool:
        """True when the building has a confirmed position (imported, placed or an accepted suggestion)."""
        return self.lat is not None and self.lng is not None

    def __repr__(self) -> str:
        return f"<Building {self.id} {self.name}>"
