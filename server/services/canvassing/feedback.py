"""Residents' opinions (意见建议): left at the door or with a worker, replied to by the community."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models import (Campaign, Feedback, FeedbackCategory, FeedbackChannel, FeedbackStatus, Household, User,
                    utcnow)
from server.extensions import db
from server.services.privacy.masking import mask_phones_in


class FeedbackError(ValueError):
    """The feedback cannot be changed as asked; the message says why, in Chinese."""


def leave_feedback(household: Household, campaign: Campaign, category: FeedbackCategory, text: str,
                   channel: FeedbackChannel, contact_phone: str | None = None,
                   form_key: str | None = None, needs_review: bool = False) -> Feedback:
    """Record what a resident said. Flushes.

    ``form_key`` is unique: the caller gives back what a key already made (``resident.feedback_from_door``).
    """
    feedback = Feedback(campaign_id=campaign.id, household_id=household.id, channel=channel,
                        category=FeedbackCategory(category), text=mask_phones_in(text), contact_phone=contact_phone,
                        form_key=form_key, needs_review=needs_review)
    db.session.add(feedback)
    db.session.flush()
    return feedback


def reply_to_feedback(feedback: Feedback, user: User, reply: str, now: dt.datetime | None = None) -> Feedback:
    """Answer a resident; the reply shows on their door page. Flushes.

    Raises:
        FeedbackError: an empty or overlong reply, or feedback already closed.
    """
    reply = (reply or "").strip()
    if not reply or len(reply) > 1000:
        raise FeedbackError("回复不能为空，且不超过 1000 字")
    if feedback.status is FeedbackStatus.CLOSED:
        raise FeedbackError("这条意见已办结")
    feedback.reply, feedback.replied_by_id = mask_phones_in(reply), user.id
    feedback.replied_at = now or utcnow()
    feedback.status = FeedbackStatus.REPLIED
    db.session.flush()
    return feedback


def close_feedback(feedback: Feedback) -> Feedback:
    """Mark feedback as dealt with (办结). Flushes."""
    feedback.status = FeedbackStatus.CLOSED
    db.session.flush()
    return feedback


def door_feedback(household: Household) -> list[Feedback]:
    """A household's feedback for its door page, newest first (shown there without personal fields)."""
    return list(db.session.scalars(select(Feedback).where(Feedback.household_id == household.id)
                                   .order_by(Feedback.created_at.desc()).limit(20)))
