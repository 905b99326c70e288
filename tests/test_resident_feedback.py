"""Residents tell the community what they think from the door, and read the reply there."""

import pytest
from sqlalchemy import func, select, text

from models import Feedback, FeedbackChannel, FeedbackStatus
from server.extensions import db as _db
from server.services.canvassing.feedback import FeedbackError, close_feedback, reply_to_feedback
from server.services.privacy.masking import mask_phone
from tests.field import bearer, visit_payload
from tests.resident import feedback_form, leave

API = "/api/mp/v1"


def test_a_resident_leaves_feedback_with_a_phone_that_is_stored_encrypted(client, app, field):
    household = field.households_a1[0]
    response = leave(client, household.token, phone="138 1234 5678")
    assert response.status_code == 303 and response.headers["Location"].endswith("#my-feedback")
    feedback = _db.session.scalar(select(Feedback))
    assert feedback.channel is FeedbackChannel.RESIDENT_PHONE and feedback.status is FeedbackStatus.OPEN
    assert feedback.contact_phone == "13812345678"
    raw = _db.session.execute(text("SELECT * FROM feedback")).all()
    assert "13812345678" not in repr(raw)
    assert mask_phone("13812345678") == "138****5678"


def test_the_reply_shows_on_the_door_page_without_the_residents_personal_fields(client, field):
    household = field.households_a1[0]
    leave(client, household.token, phone="13812345678", text="楼下垃圾桶常常满溢")
    feedback = _db.session.scalar(select(Feedback))
    reply_to_feedback(feedback, field.users["head_a"], "已联系环卫公司，每晚增加一次清运。")
    _db.session.commit()
    page = client.get(f"/q/{household.token}").get_data(as_text=True)
    assert "社区回复：已联系环卫公司，每晚增加一次清运。" in page and "已回复" in page
    assert "13812345678" not in page and "138****5678" not in page and "楼下垃圾桶常常满溢" not in page
    other = client.get(f"/q/{field.households_a1[1].token}").get_data(as_text=True)
    assert "已联系环卫公司" not in other, "a reply shows only on its own household's door"


def test_a_workers_visit_feedback_lands_in_the_same_place_and_its_reply_shows_at_the_door(client, app, field):
    household = field.households_a1[2]
    body = visit_payload(field.campaign, household, feedback={"category": "knowledge", "text": "大骨头是什么垃圾"})
    client.post(f"{API}/visits", json=body, headers=bearer(app, field.users["worker_a1"]))
    feedback = _db.session.scalar(select(Feedback))
    assert feedback.channel is FeedbackChannel.WORKER_VISIT
    reply_to_feedback(feedback, field.users["head_a"], "大骨头属于其他垃圾。")
    _db.session.commit()
    assert "大骨头属于其他垃圾。" in client.get(f"/q/{household.token}").get_data(as_text=True)


def test_feedback_moves_open_replied_closed(field, db):
    from server.services.canvassing.feedback import leave_feedback

    feedback = leave_feedback(field.households_a1[0], field.campaign, "other", "谢谢", FeedbackChannel.RESIDENT_PHONE)
    reply_to_feedback(feedback, field.users["head_a"], "不客气")
    assert feedback.status is FeedbackStatus.REPLIED
    close_feedback(feedback)
    with pytest.raises(FeedbackError):
        reply_to_feedback(feedback, field.users["head_a"], "再回复")


@pytest.mark.parametrize("change, words", [
    ({"text": ""}, "请填写"),
    ({"text": "长" * 501}, "500"),
    ({"text": "<script>alert('x')</script>"}, "网页代码"),
    ({"phone": "12345"}, "手机号"),
    ({"category": "gossip"}, "类别"),
])
def test_bad_feedback_gets_a_clear_message_and_stores_nothing(client, field, change, words):
    response = leave(client, field.households_a1[0].token, **change)
    assert response.status_code == 422 and words in response.get_data(as_text=True)
    assert "<script>alert('x')</script>" not in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Feedback)) == 0


def test_the_same_feedback_form_sent_twice_is_kept_once(client, field):
    token = field.households_a1[0].token
    form = {**feedback_form(client, token), "category": "other", "text": "谢谢社区"}
    client.post(f"/q/{token}/feedback", data=form)
    client.post(f"/q/{token}/feedback", data=form)
    assert _db.session.scalar(select(func.count()).select_from(Feedback)) == 1
