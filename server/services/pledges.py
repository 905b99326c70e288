"""Signing the pledge (承诺书): one rule for the worker's phone and the resident's own.

Each pledge records the version of the text signed and a SHA-256 over its
canonical content (the text's hash, the household, the signer, the signature
image's hash and the server's time), so that any later change is evident.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from models import (Campaign, FileKind, Household, Pledge, PledgeChannel, PledgeText, Relation, StoredFile, Visit,
                    utcnow)
from server.extensions import db
from server.services import ledger


def pledge_digest(text: PledgeText, household_id: int, signer_name: str, relation: Relation,
                  signature: StoredFile, signed_at: dt.datetime) -> str:
    """SHA-256 over the pledge's canonical content, as sorted compact JSON."""
    canonical = {
        "pledge_text_sha256": text.sha256,
        "pledge_text_version": text.version,
        "household_id": household_id,
        "signer_name": signer_name,
        "relation": relation.value,
        "signature_sha256": signature.sha256,
        "signed_at": signed_at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def new_pledge(household: Household, campaign: Campaign, signer_name: str, relation: Relation,
               signature: StoredFile, channel: PledgeChannel, visit: Visit | None = None,
               now: dt.datetime | None = None) -> Pledge:
    """Add a pledge on the campaign's current text, without touching progress (see ``sign_pledge``).

    Raises:
        ValueError: the campaign has no pledge text, or ``signature`` is not a signature image.
    """
    text = campaign.current_pledge_text
    if text is None:
        raise ValueError("campaign has no pledge text")
    if signature.kind is not FileKind.SIGNATURE:
        raise ValueError("not a signature image")
    now = now or utcnow()
    pledge = Pledge(id=str(uuid.uuid4()), campaign_id=campaign.id, household_id=household.id,
                    pledge_text_id=text.id, visit_id=visit.id if visit else None, channel=channel,
                    signer_name=signer_name, relation=relation, signature_file_id=signature.id, signed_at=now,
                    content_sha256=pledge_digest(text, household.id, signer_name, relation, signature, now))
    db.session.add(pledge)
    if text.first_used_at is None:
        text.first_used_at = now  # from now on the wording is fixed
    return pledge


def sign_pledge(household: Household, campaign: Campaign, signer_name: str, relation: Relation,
                signature: StoredFile, channel: PledgeChannel, now: dt.datetime | None = None) -> Pledge:
    """Record a signature outside a visit and count the household as pledged, in one transaction. Flushes.

    Raises:
        ValueError: as ``new_pledge``.
    """
    pledge = new_pledge(household, campaign, signer_name, relation, signature, channel, now=now)
    progress = ledger.lock_progress(household, campaign)
    before = ledger.flags_of(progress)
    progress.pledged = True
    db.session.flush()
    ledger.apply_change(household, campaign, before, ledger.flags_of(progress))
    return pledge
