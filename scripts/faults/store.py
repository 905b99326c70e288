"""What the database and the upload folder hold after a fault: orphan rows, files in use, unused and stray."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_, exists, func, or_, select

from scripts.bench.common import app_for


def orphan_rows(url: str, folder: Path) -> dict[str, int]:
    """Rows that lost what they belong to, or a visit written in part: every count should be 0."""
    from models import Feedback, HouseholdProgress, Outcome, Pledge, StoredFile, Visit, VisitMaterial
    from server.extensions import db

    def no_visit(column):
        return and_(column.is_not(None), ~exists().where(Visit.id == column))

    queries = {
        "materials without their visit": select(VisitMaterial.id).where(no_visit(VisitMaterial.visit_id)),
        "pledges without their visit": select(Pledge.id).where(no_visit(Pledge.visit_id)),
        "feedback without its visit": select(Feedback.id).where(no_visit(Feedback.visit_id)),
        "ledger progress without a visit": select(HouseholdProgress.household_id).where(
            HouseholdProgress.visits > 0, ~exists().where(Visit.household_id == HouseholdProgress.household_id,
                                                          Visit.campaign_id == HouseholdProgress.campaign_id)),
        "contacted visits without their material": select(Visit.id).where(
            Visit.outcome == Outcome.CONTACTED, ~exists().where(VisitMaterial.visit_id == Visit.id)),
        "visits whose photo row is missing": select(Visit.id).where(
            Visit.photo_file_id.is_not(None), ~exists().where(StoredFile.id == Visit.photo_file_id)),
    }
    with app_for(url, folder).app_context():
        return {label: db.session.scalar(select(func.count()).select_from(query.subquery()))
                for label, query in queries.items()}


@dataclass
class FileState:
    used: int = 0             # upload rows a visit or pledge uses
    used_missing: int = 0     # of those, rows whose bytes are not on disk
    unused_ids: set[str] = field(default_factory=set)  # upload rows nothing uses
    abandoned_bytes: int = 0  # files on disk that only abandoned photos had
    stray: int = 0            # files on disk no row keeps, and leftovers of interrupted writes

    @property
    def unused(self) -> int:
        return len(self.unused_ids)

    def __str__(self) -> str:
        return (f"{self.used} uploads in use ({self.used_missing} without their bytes), {self.unused} unused upload "
                f"rows, {self.abandoned_bytes} abandoned photos' files and {self.stray} stray files on disk")


def file_state(url: str, folder: Path, abandoned: dict[str, str]) -> FileState:
    """``abandoned``: the id and SHA-256 of each photo whose phone died before posting its visit."""
    from models import Pledge, StoredFile, Visit
    from server.extensions import db
    from server.services.files.storage import LocalStorage

    storage = LocalStorage(folder / "uploads")
    paths = list(storage.files())
    on_disk = {storage.sha256_of(path) for path in paths} - {None}
    used = or_(exists().where(Visit.photo_file_id == StoredFile.id),
               exists().where(Pledge.signature_file_id == StoredFile.id))
    with app_for(url, folder).app_context():
        rows = db.session.execute(select(StoredFile.id, StoredFile.sha256, used)).all()
    used_shas, row_shas = {sha for _, sha, in_use in rows if in_use}, {sha for _, sha, _ in rows}
    return FileState(
        used=len([1 for *_, in_use in rows if in_use]),
        used_missing=len([1 for _, sha, in_use in rows if in_use and sha not in on_disk]),
        unused_ids={id_ for id_, _, in_use in rows if not in_use},
        abandoned_bytes=len((set(abandoned.values()) - used_shas) & on_disk),
        stray=len([p for p in paths if storage.sha256_of(p) not in row_shas]))


def age_uploads(url: str, folder: Path, by: dt.timedelta) -> None:
    """Move every upload row and file ``by`` into the past, as if the evening had been that long ago."""
    from models import StoredFile
    from server.extensions import db
    from server.services.files.storage import LocalStorage

    with app_for(url, folder).app_context():
        for stored in db.session.scalars(select(StoredFile)):
            stored.created_at -= by
        db.session.commit()
    for path in LocalStorage(folder / "uploads").files():
        moment = path.stat().st_mtime - by.total_seconds()
        os.utime(path, (moment, moment))
