"""The administrative tree: district → street → community → grid."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow


class AreaLevel(enum.StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"

    @property
    def label(self) -> str:
        return {"district": "区", "street": "街道", "community": "社区", "grid": "网格"}[self.value]

    @property
    def child(self) -> "AreaLevel | None":
        order = list(AreaLevel)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None

    @property
    def parent(self) -> "AreaLevel | None":
        order = list(AreaLevel)
        index = order.index(self)
        return order[index - 1] if index > 0 else None


class CommunityType(enum.StrEnum):
    """Community types; each needs a different approach at the door."""

    OLD_ESTATE = "老旧小区"
    COMMERCIAL_ESTATE = "商品房小区"
    VILLAGE_RESETTLEMENT = "村民集中居住区"
    SHANTY_REDEVELOPMENT = "棚改区"
    MIXED = "混合型"


PATH_TYPE = String(255).with_variant(String(255, collation="C"), "postgresql")


class Area(Base):
    """One node of the tree.

    ``path`` is the materialized path of ids, ``/1/5/23/``: every area under X has
    ``X.path <= path < X.path[:-1] + "0"`` ("0" follows "/"), one index range scan
    on either database. On PostgreSQL the column uses the "C" collation, so that
    the index orders paths byte by byte as SQLite does.
    """

    __tablename__ = "area"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        CheckConstraint("community_type IS NULL OR level = 'community'", name="type_only_on_community"),
        Index("ix_area_path", "path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    level: Mapped[AreaLevel] = mapped_column(str_enum(AreaLevel, "area_level", 16))
    name: Mapped[str] = mapped_column(String(64))
    community_type: Mapped[CommunityType | None] = mapped_column(str_enum(CommunityType, "community_type", 16))
    path: Mapped[str] = mapped_column(PATH_TYPE, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Area | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Area"]] = relationship(back_populates="parent", order_by="Area.name")

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids on the path from the root down to and including this area."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: "Area") -> bool:
        """True when this area is ``other`` or lies beneath it."""
        return bool(other.path) and self.path.startswith(other.path)

    def __repr__(self) -> str:
        return f"<Area {self.id} {self.level} {self.name}>"
