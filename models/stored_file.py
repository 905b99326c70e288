"""Photos and signatures, stored by content hash; this row says whose they are and what they are."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, str_enum, utcnow


class FileKind(enum.StrEnum):
    PHOTO = "photo"
    SIGNATURE = "signature"


class StoredFile(Base):
    __tablename__ = "stored_file"
    # The same bytes sent again by the same person are the same file.
    __table_args__ = (UniqueConstraint("owner_id", "kind", "sha256"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[FileKind] = mapped_column(str_enum(FileKind, "file_kind", 10))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the retention period deleted the bytes. The row stays as a tombstone: its SHA-256 is part of
    # the pledge chain's hashes, and it says nothing about anyone.
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
