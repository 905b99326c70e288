"""The head's feedback inbox, as a service: what it lists, how it filters, what it shows of a phone, how fast replies
came."""
import datetime as dt

from models import FeedbackCategory, FeedbackChannel, FeedbackStatus
from server.extensions import db as _db
from server.services.canvassing.feedback import (InboxFilters, feedback_inbox, inbox_filters, leave_feedback,
                                                 reply_to_feedback)
from server.timefmt import SHANGHAI


def _leave(field, household, text="意见", category="other", phone=None, at=None):
    feedback = leave_feedback(household, field.campaign, category, text, FeedbackChannel.RESIDENT_PHONE,
                              contact_phone=phone or None)
    if at is not None:
        feedback.created_at = at
    _db.session.flush()
    return feedback


def test_the_inbox_lists_the_feedback_under_the_area_newest_first_and_nothing_beyond_it(field):
    older = _leave(field, field.households_a1[0], "旧", at=dt.datetime(2026, 11, 1, 2, tzinfo=dt.timezone.utc))
    newer = _leave(field, field.households_a2[0], "新", at=dt.datetime(2026, 11, 2, 2, tzinfo=dt.timezone.utc))
    _leave(field, field.households_b1[0], "别的社区")
    items = feedback_inbox(field.campaign, field.community_a).items
    assert [item.feedback for item in items] == [newer, older]


def test_the_inbox_filters_by_status_category_and_grid(field):
    open_a1 = _leave(field, field.households_a1[0], category="drop_off")
    replied_a2 = _leave(field, field.households_a2[0], category="knowledge")
    reply_to_feedback(replied_a2, field.users["head_a"], "好的")
    inbox = lambda **f: [i.feedback for i in feedback_inbox(field.campaign, field.community_a, InboxFilters(**f)).items]  # noqa: E731
    assert inbox(status=FeedbackStatus.OPEN) == [open_a1]
    assert inbox(category=FeedbackCategory.KNOWLEDGE) == [replied_a2]
    assert inbox(grid=field.grid_a1) == [open_a1]


def test_the_from_and_to_days_are_beijing_days_and_both_are_kept(field):
    # 2026-11-02 00:30 in Beijing is still 11-01 in UTC.
    early = _leave(field, field.households_a1[0], at=dt.datetime(2026, 11, 2, 0, 30, tzinfo=SHANGHAI))
    late = _leave(field, field.households_a1[1], at=dt.datetime(2026, 11, 2, 23, 50, tzinfo=SHANGHAI))
    _leave(field, field.households_a1[2], at=dt.datetime(2026, 11, 3, 0, 10, tzinfo=SHANGHAI))
    day = dt.date(2026, 11, 2)
    items = feedback_inbox(field.campaign, field.community_a, InboxFilters(since=day, until=day)).items
    assert {i.feedback for i in items} == {early, late}


def test_a_filter_that_names_nothing_filters_nothing(field):
    assert inbox_filters({"status": "gone", "category": "gossip", "from": "yesterday", "to": "2026-13-01"}) \
        == InboxFilters()
    assert inbox_filters({"status": "open", "from": "2026-11-02"}) == InboxFilters(
        status=FeedbackStatus.OPEN, since=dt.date(2026, 11, 2))


def test_the_call_back_phone_is_shown_masked_and_an_absent_one_as_nothing(field):
    _leave(field, field.households_a1[0], phone="13812345678")
    _leave(field, field.households_a1[1])
    phones = sorted(i.phone for i in feedback_inbox(field.campaign, field.community_a).items)
    assert phones == ["", "138****5678"]


def test_the_average_reply_time_counts_only_replied_feedback_to_a_tenth_of_an_hour(field):
    asked = dt.datetime(2026, 11, 2, 8, tzinfo=dt.timezone.utc)
    one, two = _leave(field, field.households_a1[0], at=asked), _leave(field, field.households_a1[1], at=asked)
    _leave(field, field.households_a1[2], at=asked)
    reply_to_feedback(one, field.users["head_a"], "好", now=asked + dt.timedelta(hours=1))
    reply_to_feedback(two, field.users["head_a"], "好", now=asked + dt.timedelta(hours=2, minutes=10))
    inbox = feedback_inbox(field.campaign, field.community_a)
    assert inbox.average_hours == 1.6
    assert sorted(i.reply_hours for i in inbox.items if i.reply_hours is not None) == [1.0, 2 + 10 / 60]
    assert feedback_inbox(field.campaign, field.community_b).average_hours is None
