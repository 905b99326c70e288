"""Signing the pledge (承诺书): one rule for the worker's phone and the resident's own, and its proof.

Each pledge records the version of the text signed, its place in the campaign's
chain, and a SHA-256 over its canonical content: the text's hash, the household,
the signer and relation, the signature image's hash, the channel, the server's
time, its position and the hash of the pledge before it. Editing a pledge breaks
its own hash; deleting one breaks the link of the next.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from models import (Campaign, CampaignStatus, FileKind, Household, Pledge, PledgeChannel, PledgeText, Relation,
                    StoredFile, Visit, utcnow)
from models.pledge import new_receipt_code, receipt_code_typed
from server.extensions import db
from server.services.ledger import counters as ledger


def pledge_digest(text: PledgeText, household_id: int, signer_name: str, relation: Relation,
                  signature_sha256: str, channel: PledgeChannel, signed_at: dt.datetime, seq: int,
                  previous_sha256: str | None) -> str:
    """SHA-256 over the pledge's canonical content, as sorted compact JSON (UTF-8)."""
    canonical = {
        "pledge_text_sha256": text.sha256,
        "pledge_text_version": text.version,
        "household_id": household_id,
        "signer_name": signer_name,
        "relation": Relation(relation).value,
        "signature_sha256": signature_sha256,
        "channel": PledgeChannel(channel).value,
        "signed_at": signed_at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),
        "seq": seq,
        "previous_sha256": previous_sha256,
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def digest_of(pledge: Pledge) -> str:
    """The hash a stored pledge should carry, recomputed from what is stored now."""
    text = db.session.get(PledgeText, pledge.pledge_text_id)
    signature = db.session.get(StoredFile, pledge.signature_file_id)
    return pledge_digest(text, pledge.household_id, pledge.signer_name, pledge.relation,
                         signature.sha256 if signature else "", pledge.channel, pledge.signed_at, pledge.seq,
                         pledge.previous_sha256)


def _new_code() -> str:
    while True:
        code = new_receipt_code()
        if db.session.scalar(select(Pledge.id).where(Pledge.code == code)) is None:
            return code


def _chain_head(campaign: Campaign) -> tuple[int, str | None]:
    """The last position and hash of the campaign's chain, with the chain locked until commit.

    On PostgreSQL the campaign row is locked, so that pledges append one at a
    time; SQLite serialises writers on its own. The unique (campaign, seq)
    constraint refuses a fork in any case.
    """
    db.session.execute(select(Campaign.id).where(Campaign.id == campaign.id).with_for_update())
    last = db.session.execute(select(Pledge.seq, Pledge.content_sha256).where(Pledge.campaign_id == campaign.id)
                              .order_by(Pledge.seq.desc()).limit(1)).first()
    return (last.seq, last.content_sha256) if last else (0, None)


def text_changed(campaign: Campaign, version_read: int | None) -> str | None:
    """Why a signature on ``version_read`` of the campaign's pledge text cannot be taken, or None.

    A person signs the text they read: if it has been edited since (a new version is current), they must read the
    new one first. A client that does not say which version it showed (``None``) signs the current one.
    """
    current = campaign.current_pledge_text
    if version_read is None or current is None or version_read == current.version:
        return None
    return f"承诺书已更新为第 {current.version} 版，请阅读新版后再签名"


def new_pledge(household: Household, campaign: Campaign, signer_name: str, relation: Relation,
               signature: StoredFile, channel: PledgeChannel, visit: Visit | None = None,
               now: dt.datetime | None = None, form_key: str | None = None, consent_version: str | None = None,
               needs_review: bool = False) -> Pledge:
    """Append a pledge on the campaign's current text to its chain, without touching progress (see ``sign_pledge``).

    Raises:
        ValueError: the campaign is not active or has no pledge text, or ``signature`` is not a signature image.
    """
    if campaign.status is not CampaignStatus.ACTIVE:
        raise ValueError("pledges are signed only while the campaign is active")
    text = campaign.current_pledge_text
    if text is None:
        raise ValueError("campaign has no pledge text")
    if signature.kind is not FileKind.SIGNATURE:
        raise ValueError("not a signature image")
    now = now or utcnow()
    seq, previous = _chain_head(campaign)
    seq += 1
    pledge = Pledge(id=str(uuid.uuid4()), campaign_id=campaign.id, household_id=household.id,
                    pledge_text_id=text.id, visit_id=visit.id if visit else None, channel=channel,
                    signer_name=signer_name, relation=relation, signature_file_id=signature.id, signed_at=now,
                    seq=seq, previous_sha256=previous, code=_new_code(), form_key=form_key,
                    consent_version=consent_version, needs_review=needs_review,
                    content_sha256=pledge_digest(text, household.id, signer_name, relation, signature.sha256,
                                                 channel, now, seq, previous))
    db.session.add(pledge)
    if text.first_used_at is None:
        text.first_used_at = now  # from now on the wording is fixed
    db.session.flush()
    return pledge


def sign_pledge(household: Household, campaign: Campaign, signer_name: str, relation: Relation,
                signature: StoredFile, channel: PledgeChannel, now: dt.datetime | None = None,
                **details) -> Pledge:
    """Record a signature outside a visit and count the household as pledged, in one transaction. Flushes.

    Raises:
        ValueError: as ``new_pledge``.
    """
    pledge = new_pledge(household, campaign, signer_name, relation, signature, channel, now=now, **details)
    progress = ledger.lock_progress(household, campaign)
    before = ledger.counts_of(household, progress)
    progress.pledged = True
    db.session.flush()
    after = ledger.counts_of(household, progress)
    ledger.apply_change(household, campaign, before, after)
    ledger.record_day(campaign.id, household.building.grid, pledge.signed_at, before, after, pledges=1)
    return pledge


# -- verification ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PledgeCheck:
    """What the verification page says of one pledge."""

    pledge: Pledge
    content_intact: bool    # the stored record still matches its hash
    signature_intact: bool | None  # the stored signature file still has the hash it was signed with;
    #                                None once the retention period deleted it (its hash stays in the chain)
    linked: bool            # its link to the pledge before it holds, and the one after links to it

    @property
    def valid(self) -> bool:
        return self.content_intact and self.signature_intact is not False and self.linked

    @property
    def signature_purged(self) -> bool:
        return self.signature_intact is None


def _signature_intact(pledge: Pledge, storage) -> bool | None:
    from server.services.files.uploads import file_extension

    signature = db.session.get(StoredFile, pledge.signature_file_id)
    if signature is not None and signature.purged_at is not None:
        return None
    if signature is None or storage is None:
        return signature is not None
    try:
        data = storage.read(signature.sha256, file_extension(signature))
    except OSError:
        return False
    return hashlib.sha256(data).hexdigest() == signature.sha256


def check_pledge(pledge: Pledge, storage=None) -> PledgeCheck:
    """Recompute a pledge's hash and check its two links in the chain (and its signature file, given storage)."""
    neighbours = {p.seq: p for p in db.session.scalars(
        select(Pledge).where(Pledge.campaign_id == pledge.campaign_id, Pledge.seq.in_([pledge.seq - 1, pledge.seq + 1])))}
    before, after = neighbours.get(pledge.seq - 1), neighbours.get(pledge.seq + 1)
    linked = (pledge.previous_sha256 is None and pledge.seq == 1) or \
        (before is not None and before.content_sha256 == pledge.previous_sha256)
    last_seq = db.session.scalar(select(func.max(Pledge.seq)).where(Pledge.campaign_id == pledge.campaign_id))
    if pledge.seq < last_seq:
        linked = linked and after is not None and after.previous_sha256 == pledge.content_sha256
    return PledgeCheck(pledge, digest_of(pledge) == pledge.content_sha256, _signature_intact(pledge, storage), linked)


def find_pledge(code: str) -> Pledge | None:
    """The pledge of a receipt code (dash and case ignored)."""
    code = receipt_code_typed(code)
    if code is None:
        return None
    return db.session.scalar(select(Pledge).where(Pledge.code == code))


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    code: str | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    campaign: Campaign
    pledges: int
    first_break: ChainBreak | None


def verify_chain(campaign: Campaign, storage=None) -> ChainReport:
    """Walk the campaign's chain from the first pledge and name the first broken link, if any."""
    previous_hash, expected_seq, count = None, 1, 0
    for pledge in db.session.scalars(select(Pledge).where(Pledge.campaign_id == campaign.id)
                                     .order_by(Pledge.seq).execution_options(yield_per=1000)):
        count += 1
        if pledge.seq != expected_seq:
            return ChainReport(campaign, count, ChainBreak(expected_seq, None,
                                                           f"第 {expected_seq} 条不见了（可能被删除）"))
        if pledge.previous_sha256 != previous_hash:
            return ChainReport(campaign, count, ChainBreak(pledge.seq, pledge.code,
                                                           "与前一条的链接不符（前一条被改动或删除）"))
        if digest_of(pledge) != pledge.content_sha256:
            return ChainReport(campaign, count, ChainBreak(pledge.seq, pledge.code, "内容与哈希不符（记录被改动）"))
        if storage is not None and not _signature_intact(pledge, storage):
            return ChainReport(campaign, count, ChainBreak(pledge.seq, pledge.code, "签名图片与哈希不符或已丢失"))
        previous_hash, expected_seq = pledge.content_sha256, expected_seq + 1
    return ChainReport(campaign, count, None)
