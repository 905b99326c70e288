"""A register header's column mapping, remembered: the next file with the same header is read the same way."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class ColumnMapping(Base):
    __tablename__ = "column_mapping"

    #: SHA-256 of the normalised header (household_files.Header.key).
    header_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: JSON: {"column index": "field" or null (ignored)}.
    mapping: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
