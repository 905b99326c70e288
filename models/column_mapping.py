"""A register header's column mapping, remembered per area: the next file with the same header, imported into the same
area, has its unknown columns read the same way."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class ColumnMapping(Base):
    __tablename__ = "column_mapping"

    #: The area the register was imported into: one office's choice never changes another's import.
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    #: SHA-256 of the normalised header (household_files.Header.key).
    header_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: JSON: {"column index": "field" or null (ignored)}.
    mapping: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
