"""Deleting what a campaign no longer needs: door photos, signatures, spot-check photos and GPS, a set time after it
ends.

What the ledger counts is kept: households, visits (when, by whom, the outcome,
whether a photo and materials were there), pledges and their hash chain, and every
counter. What goes: the bytes of photos and signatures, and the coordinates of visits.
A file row stays as a tombstone with its hash, so the pledge chain still verifies.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from models import Campaign, Pledge, SpotCheck, StoredFile, Visit
from server.extensions import db
from server.services.files.uploads import file_extension
from server.timefmt import SHANGHAI

BATCH = 1000


class TooEarly(ValueError):
    """The campaign has not ended, or ended less than the retention period ago."""

    def __init__(self, purgeable_on: dt.date):
        super().__init__(purgeable_on)
        self.purgeable_on = purgeable_on


@dataclass
class PurgeReport:
    visits_cleared: int = 0   # visits whose GPS was removed
    files_deleted: int = 0    # photos and signatures whose bytes were deleted
    files_kept: int = 0       # files also used by a campaign still within its retention period
    after: str | None = None  # the last file row looked at; None before the visits' GPS is cleared


def purgeable_on(campaign: Campaign, retention_days: int) -> dt.date:
    """The first day the campaign's photos, signatures and GPS may be deleted."""
    return campaign.end_date + dt.timedelta(days=retention_days + 1)


def _files_of(campaign: Campaign):
    photos = select(Visit.photo_file_id.label("id")).where(Visit.campaign_id == campaign.id,
                                                           Visit.photo_file_id.is_not(None))
    signatures = select(Pledge.signature_file_id.label("id")).where(Pledge.campaign_id == campaign.id)
    check_photos = select(SpotCheck.photo_file_id.label("id")).join(Visit, Visit.id == SpotCheck.visit_id).where(
        Visit.campaign_id == campaign.id, SpotCheck.photo_file_id.is_not(None))
    return photos.union(signatures, check_photos).subquery()


def _used_elsewhere(campaign: Campaign, file_ids: list[str], retention_days: int, today: dt.date) -> set[str]:
    """Of ``file_ids``, those a campaign still within its retention period also uses (same bytes, same sender)."""
    used = set()
    for column, campaign_column in ((Visit.photo_file_id, Visit.campaign_id),
                                    (Pledge.signature_file_id, Pledge.campaign_id)):
        rows = db.session.execute(select(column, Campaign.end_date).join(Campaign, Campaign.id == campaign_column)
                                  .where(column.in_(file_ids), campaign_column != campaign.id))
        used |= {file_id for file_id, end in rows if end + dt.timedelta(days=retention_days + 1) > today}
    return used


def purge_step(campaign: Campaign, retention_days: int, storage, now: dt.datetime, report: PurgeReport) -> bool:
    """One step of deleting the campaign's photos, signatures and visit GPS, once ``retention_days`` have passed.

    The first step clears the visits' GPS; each next one deletes the bytes of a batch of
    files and marks their rows purged. Returns False when nothing was left to do. Flushes:
    the caller commits after each step (after the bytes are gone), so an interrupted purge
    resumes where it stopped; a purge run again finds nothing left to delete.

    Raises:
        TooEarly: the retention period has not passed yet.
    """
    today = now.astimezone(SHANGHAI).date()
    if report.after is None:
        first_day = purgeable_on(campaign, retention_days)
        if today < first_day:
            raise TooEarly(first_day)
        report.visits_cleared = db.session.execute(
            update(Visit).where(Visit.campaign_id == campaign.id,
                                Visit.lat.is_not(None) | Visit.lng.is_not(None) | Visit.accuracy_m.is_not(None))
            .values(lat=None, lng=None, accuracy_m=None)).rowcount
        db.session.execute(update(SpotCheck).where(
            SpotCheck.visit_id.in_(select(Visit.id).where(Visit.campaign_id == campaign.id)),
            SpotCheck.lat.is_not(None) | SpotCheck.lng.is_not(None)).values(lat=None, lng=None))
        report.after = ""
        return True
    files = _files_of(campaign)
    batch = list(db.session.scalars(
        select(StoredFile).join(files, files.c.id == StoredFile.id)
        .where(StoredFile.purged_at.is_(None), StoredFile.id > report.after).order_by(StoredFile.id).limit(BATCH)))
    if not batch:
        return False
    shared = _used_elsewhere(campaign, [f.id for f in batch], retention_days, today)
    going = [stored for stored in batch if stored.id not in shared]
    report.files_kept += len(batch) - len(going)
    for stored in going:
        stored.purged_at = now
    db.session.flush()
    # Storage is by content: the same bytes under another file row that stays are not deleted.
    still_used = set(db.session.scalars(select(StoredFile.sha256).where(
        StoredFile.sha256.in_({f.sha256 for f in going}), StoredFile.purged_at.is_(None))))
    for stored in going:
        if stored.sha256 not in still_used:
            storage.delete(stored.sha256, file_extension(stored))
    report.files_deleted += len(going)
    report.after = batch[-1].id
    return True
