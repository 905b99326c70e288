"""Residents' opinions (意见建议): left at the door or with a worker, replied to by the community."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select

from models import (Area, Building, Campaign, Feedback, FeedbackCategory, FeedbackChannel, FeedbackStatus, Household,
                    User, utcnow)
from server.extensions import db
from server.services.privacy.masking import mask_phone, mask_phones_in
from server.services.registry.areas import households_under
from server.timefmt import SHANGHAI

#: The inbox shows at most this many opinions, newest first.
INBOX_LIMIT = 500


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


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox is narrowed to; ``None`` is no filter. ``since`` and ``until`` are Beijing days, both kept."""

    status: FeedbackStatus | None = None
    category: FeedbackCategory | None = None
    grid: Area | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def inbox_filters(args: Mapping[str, str], grid: Area | None = None) -> InboxFilters:
    """The filters ``?status=&category=&from=&to=`` name, with ``grid`` already found in the caller's scope.

    Raises nothing: a value that names no status, category or day (YYYY-MM-DD) filters nothing.
    """
    status, category = args.get("status", ""), args.get("category", "")
    return InboxFilters(
        status=FeedbackStatus(status) if status in {s.value for s in FeedbackStatus} else None,
        category=FeedbackCategory(category) if category in {c.value for c in FeedbackCategory} else None,
        grid=grid, since=_day(args.get("from")), until=_day(args.get("to")))


class InboxItem(NamedTuple):
    """One opinion as the inbox shows it: the call-back phone masked, the hours it took to reply (None if not yet)."""

    feedback: Feedback
    household: Household
    phone: str
    reply_hours: float | None


@dataclass
class Inbox:
    items: list[InboxItem]
    #: The mean of ``reply_hours`` over the opinions shown that were replied to, to a tenth; None if none was.
    average_hours: float | None


def _reply_hours(feedback: Feedback) -> float | None:
    return None if feedback.replied_at is None else (feedback.replied_at - feedback.created_at).total_seconds() / 3600


def _contact_phone(feedback: Feedback) -> str:
    """The call-back phone, decrypted and masked (138****5678), or "" if none was left: the inbox never shows it
    whole."""
    return mask_phone(feedback.contact_phone)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SHANGHAI)


def feedback_inbox(campaign: Campaign, area: Area, filters: InboxFilters = InboxFilters()) -> Inbox:
    """The opinions left on ``campaign`` by households under ``area``, filtered, newest first (at most
    ``INBOX_LIMIT``), with the average time they took to reply. Raises nothing."""
    query = select(Feedback, Household).join(Household, Household.id == Feedback.household_id).where(
        Feedback.campaign_id == campaign.id,
        Feedback.household_id.in_(households_under(area).with_only_columns(Household.id)))
    if filters.status is not None:
        query = query.where(Feedback.status == filters.status)
    if filters.category is not None:
        query = query.where(Feedback.category == filters.category)
    if filters.grid is not None:
        query = query.where(Household.building_id.in_(select(Building.id).where(Building.grid_id == filters.grid.id)))
    if filters.since is not None:
        query = query.where(Feedback.created_at >= _midnight(filters.since))
    if filters.until is not None:
        query = query.where(Feedback.created_at < _midnight(filters.until + dt.timedelta(days=1)))
    rows = db.session.execute(query.order_by(Feedback.created_at.desc()).limit(INBOX_LIMIT)).all()
    items = [InboxItem(f, h, _contact_phone(f), _reply_hours(f)) for f, h in rows]
    hours = [item.reply_hours for item in items if item.reply_hours is not None]
    return Inbox(items, round(sum(hours) / len(hours), 1) if hours else None)
