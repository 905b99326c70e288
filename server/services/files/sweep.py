"""Sweeping stored files nobody uses: uploads never attached to a visit, pledge or spot check, and bytes with no row.

A phone uploads a photo, then posts the visit; if the visit never arrives (the
worker gave up, the phone was lost) the upload is an orphan. It is kept for a grace
period, since an offline phone may still send the visit, then swept.
"""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import delete, exists, select

from models import Pledge, SpotCheck, StoredFile, Visit
from server.extensions import db

BATCH = 1000


def _unreferenced(cutoff: dt.datetime):
    return select(StoredFile).where(
        StoredFile.created_at < cutoff,
        ~exists().where(Visit.photo_file_id == StoredFile.id),
        ~exists().where(Pledge.signature_file_id == StoredFile.id),
        ~exists().where(SpotCheck.photo_file_id == StoredFile.id),
    ).order_by(StoredFile.id).limit(BATCH)


def sweep_unused_rows(now: dt.datetime, grace: dt.timedelta = dt.timedelta(days=7)) -> int:
    """Delete one batch of upload rows no visit or pledge uses, older than ``grace``; how many went (0: none left).

    Flushes: the caller commits after each batch, so a long sweep holds no lock for long.
    """
    batch = list(db.session.scalars(_unreferenced(now - grace)))
    if batch:
        db.session.execute(delete(StoredFile).where(StoredFile.id.in_([f.id for f in batch])))
    return len(batch)


def sweep_stray_files(storage, now: dt.datetime, grace: dt.timedelta = dt.timedelta(days=7)) -> int:
    """Delete every file on disk older than ``grace`` that no row keeps; how many went. Writes no row."""
    cutoff = now - grace
    deleted = 0
    old_files = (path for path in storage.files()
                 if dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc) < cutoff)
    while batch := list(itertools.islice(old_files, BATCH)):
        names = {path: storage.sha256_of(path) for path in batch}
        kept = set(db.session.scalars(select(StoredFile.sha256).where(
            StoredFile.sha256.in_({sha256 for sha256 in names.values() if sha256}), StoredFile.purged_at.is_(None))))
        for path, sha256 in names.items():
            if sha256 not in kept:
                path.unlink(missing_ok=True)
                deleted += 1
        db.session.rollback()  # ends the read, so a long sweep holds no snapshot open
    return deleted
