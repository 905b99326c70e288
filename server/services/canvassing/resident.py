"""What a resident does from the door code on their own phone: sign the pledge, leave feedback.

Both go through the same services as a worker's visit: the pledge chain and
ledger of ``pledges.chain``, the feedback of ``canvassing.feedback``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import (Campaign, Feedback, FeedbackCategory, FeedbackChannel, FileKind, Household, Pledge, PledgeChannel,
                    Relation)
from server.extensions import db
from server.services.canvassing.campaign_lookup import current_campaign
from server.services.canvassing.feedback import leave_feedback
from server.services.files.storage import storage
from server.services.files.uploads import store_upload
from server.services.pledges.chain import sign_pledge, text_changed
from server.services.pledges.signatures import SignatureRejected, decode_signature
from server.services.privacy.phones import mobile_number
from server.services.wechat import moderation

#: The privacy notice a signer consents to; its version is stored with each pledge.
CONSENT_VERSION = "2026-11"
PRIVACY_NOTICE = ("我们会保存您的姓名、与户主的关系、手写签名和签署时间，用于证明本户已签署垃圾分类承诺书，"
                  "并统计社区入户宣传情况。这些信息只有本社区、街道负责垃圾分类的工作人员可以查看，"
                  "活动结束一年后删除签名图片，只保留不含个人信息的统计数字。")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ResidentInputError(ValueError):
    """Bad input from the resident's form; ``errors`` maps each field to a Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("bad resident input")
        self.errors = errors


class NoActiveCampaign(LookupError):
    """No campaign with a pledge text is under way for this household."""


class FormKeyElsewhere(ValueError):
    """The form's one-time key was first sent at another door: it can never attach anything to this one."""


def _sent_before(model, form_key: str | None, household: Household):
    """The pledge or feedback this form key made at this door, or None; a key first used elsewhere is refused.

    A key belongs to the door whose page handed it out: a double tap gets its first answer back, and a key carried
    to another door neither attaches anything there nor reveals what it made at the first.

    Raises:
        FormKeyElsewhere: the key made a pledge or feedback of another household.
    """
    existing = db.session.scalar(select(model).where(model.form_key == form_key)) if form_key else None
    if existing is not None and existing.household_id != household.id:
        raise FormKeyElsewhere()
    return existing


def active_campaign(household: Household) -> Campaign | None:
    """The campaign under way at the household's door (``current_campaign`` of its grid), if any."""
    return current_campaign(household.building.grid)


def _clean_text(value: str | None, field: str, limit: int, errors: dict, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = "请填写这一项"
    elif len(value) > limit:
        errors[field] = f"不能超过 {limit} 个字"
    elif _MARKUP.search(value):
        errors[field] = "请不要输入网页代码或尖括号标签"
    elif _CONTROL.search(value):
        errors[field] = "含有无法识别的字符"
    return value


@dataclass(frozen=True)
class SignedPledge:
    pledge: Pledge
    created: bool  # False: this form was already submitted, and this is its receipt


def _version(value) -> int | None:
    """The pledge text version a door form says it showed, if it says one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def sign_from_door(household: Household, form: dict, config) -> SignedPledge:
    """Sign the pledge from the resident's phone: name, relation, signature data URL, consent, form key. Flushes.

    Raises:
        NoActiveCampaign: nothing to sign.
        FormKeyElsewhere: the form key was used at another door.
        ResidentInputError: a bad name or relation, a missing consent, a blank or broken signature, or words
            WeChat's check calls risky.
    """
    campaign = active_campaign(household)
    if campaign is None or campaign.current_pledge_text is None:
        raise NoActiveCampaign()
    form_key = (form.get("form_key") or "").strip()[:64] or None
    if (existing := _sent_before(Pledge, form_key, household)) is not None:
        return SignedPledge(existing, created=False)
    errors: dict[str, str] = {}
    name = _clean_text(form.get("signer_name"), "signer_name", 32, errors)
    try:
        relation = Relation(form.get("relation"))
    except ValueError:
        errors["relation"] = "请选择您与户主的关系"
    if changed := text_changed(campaign, _version(form.get("pledge_text_version"))):
        errors["pledge_text"] = changed
    if str(form.get("consent", "")).lower() not in ("1", "true", "on", "yes"):
        errors["consent"] = "请阅读并同意个人信息说明"
    try:
        signature_png = decode_signature(form.get("signature", ""))
    except SignatureRejected as rejected:
        errors["signature"] = str(rejected)
    if errors:
        raise ResidentInputError(errors)
    verdict = moderation.check_text(name, config, scene=1)
    if verdict == moderation.RISKY:
        raise ResidentInputError({"signer_name": "填写的内容可能不合适，请修改后再提交"})
    signature = store_upload(None, FileKind.SIGNATURE, signature_png, storage(),
                             max_bytes=2 * 1024 * 1024)
    try:
        with db.session.begin_nested():
            pledge = sign_pledge(household, campaign, name, relation, signature, PledgeChannel.RESIDENT_PHONE,
                                 form_key=form_key, consent_version=CONSENT_VERSION,
                                 needs_review=verdict == moderation.REVIEW)
    except IntegrityError:
        # The same form, sent twice at once: the other request stored it first.
        existing = _sent_before(Pledge, form_key, household)
        if existing is None:
            raise
        return SignedPledge(existing, created=False)
    return SignedPledge(pledge, created=True)


def feedback_from_door(household: Household, form: dict, config):
    """Leave feedback from the resident's phone: category, text, optional phone (stored encrypted). Flushes.

    Raises:
        NoActiveCampaign: no campaign under way to file it under.
        FormKeyElsewhere: the form key was used at another door.
        ResidentInputError: a bad category, empty or overlong text, markup, a bad phone number, or risky words.
    """
    campaign = active_campaign(household)
    if campaign is None:
        raise NoActiveCampaign()
    form_key = (form.get("form_key") or "").strip()[:64] or None
    if (existing := _sent_before(Feedback, form_key, household)) is not None:
        return existing
    errors: dict[str, str] = {}
    try:
        category = FeedbackCategory(form.get("category"))
    except ValueError:
        errors["category"] = "请选择意见类别"
    text = _clean_text(form.get("text"), "text", 500, errors)
    typed = form.get("phone") or ""
    phone = mobile_number(typed)
    if typed.strip() and phone is None:
        errors["phone"] = "请填写 11 位手机号，或留空"
    if errors:
        raise ResidentInputError(errors)
    verdict = moderation.check_text(text, config, scene=2)
    if verdict == moderation.RISKY:
        raise ResidentInputError({"text": "填写的内容可能不合适，请修改后再提交"})
    try:
        with db.session.begin_nested():
            return leave_feedback(household, campaign, category, text, FeedbackChannel.RESIDENT_PHONE,
                                  contact_phone=phone or None,
                                  form_key=form_key, needs_review=verdict == moderation.REVIEW)
    except IntegrityError:
        existing = _sent_before(Feedback, form_key, household)
        if existing is None:
            raise
        return existing
