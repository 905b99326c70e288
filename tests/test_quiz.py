"""知晓率 and 满意度: a campaign's quiz, each household's current answer, and the counters that count them."""
import re
import uuid

import pytest

from models import Role, LedgerArea, LedgerBuilding, Occupancy, QuizAnswer, QuizChannel
from server.extensions import db as _db
from server.services.canvassing.campaigns import new_round, next_period
from server.services.canvassing.occupancy import confirm_vacant
from server.services.canvassing.quiz import AnswerElsewhere, QuizInvalid, answer_quiz, current_answer, publish_quiz
from server.services.ledger.counters import ledger_view
from server.services.ledger.rebuild import rebuild_ledger
from tests import ledger_pages
from tests.conftest import csrf_token_of
from tests.factories import make_user
from tests.field import bearer, visit_payload
from tests.quiz import HALF, QUESTIONS, RIGHT, WRONG, give_quiz
from tests.resident import sign
from tests.staff import sign_in
from tests.test_ledger_invariant import assert_invariant

API = "/api/mp/v1"


def answer(field, household, answers, satisfaction=None, client_id=None):
    stored, created = answer_quiz(household, field.campaign, {"answers": answers, "satisfaction": satisfaction},
                                  QuizChannel.RESIDENT, client_id or str(uuid.uuid4()))
    _db.session.commit()
    return stored, created


def grid_counts(field):
    _db.session.expire_all()
    row = _db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id))
    return (row.quiz_respondents, row.quiz_passed, row.satisfaction_respondents, row.satisfied)


def test_a_household_passes_at_or_above_the_pass_mark_the_campaign_sets(field):
    give_quiz(field.campaign, pass_mark=1)
    right, _ = answer(field, field.households_a1[0], RIGHT)
    half, _ = answer(field, field.households_a1[1], HALF)
    wrong, _ = answer(field, field.households_a1[2], WRONG)
    assert [(a.correct, a.passed) for a in (right, half, wrong)] == [(2, True), (1, True), (0, False)]
    assert grid_counts(field) == (3, 2, 0, 0)


def test_a_later_answer_replaces_the_earlier_and_moves_the_counters_by_the_difference(field):
    give_quiz(field.campaign)
    household = field.households_a1[0]
    answer(field, household, RIGHT, satisfaction=0)
    assert grid_counts(field) == (1, 1, 1, 1)
    answer(field, household, WRONG, satisfaction=2)
    assert grid_counts(field) == (1, 0, 1, 0)
    answer(field, household, [], satisfaction=1)  # only the satisfaction question, this time
    assert grid_counts(field) == (0, 0, 1, 1)
    assert current_answer(household, field.campaign).satisfaction == 1
    assert _db.session.query(QuizAnswer).count() == 3  # what was said before is kept
    building = _db.session.get(LedgerBuilding, (field.campaign.id, household.building_id))
    assert (building.quiz_respondents, building.satisfied) == (0, 1)
    assert_invariant(field.campaign)
    assert rebuild_ledger(field.campaign).rollups_fixed == []


def test_an_answer_sent_twice_is_stored_and_counted_once(field):
    give_quiz(field.campaign)
    key = str(uuid.uuid4())
    first, created = answer(field, field.households_a1[0], RIGHT, client_id=key)
    again, created_again = answer(field, field.households_a1[0], RIGHT, client_id=key)
    assert (created, created_again, again.id) == (True, False, first.id)
    assert grid_counts(field) == (1, 1, 0, 0)
    with pytest.raises(AnswerElsewhere):
        answer(field, field.households_a1[1], RIGHT, client_id=key)


def test_rates_stand_beside_their_respondent_counts_and_vacant_households_leave_them(field):
    give_quiz(field.campaign)
    for household, given, satisfaction in zip(field.households_a1, (RIGHT, RIGHT, WRONG, HALF),
                                              (0, 1, 2, 3)):
        answer(field, household, given, satisfaction)
    view = ledger_view(field.campaign, field.grid_a1)
    assert (view.node.counts["quiz_respondents"], view.node.rates["knowledge"]) == (4, 0.5)
    assert (view.node.counts["satisfaction_respondents"], view.node.rates["satisfaction"]) == (4, 0.5)
    confirm_vacant(field.households_a1[0])
    _db.session.commit()
    view = ledger_view(field.campaign, field.grid_a1)
    assert (view.node.counts["quiz_respondents"], view.node.rates["knowledge"]) == (3, 0.3333)
    assert field.households_a1[0].occupancy is Occupancy.VACANT
    assert ledger_view(field.campaign, field.community_b).node.rates["knowledge"] is None
    assert_invariant(field.campaign)


def test_editing_the_quiz_publishes_a_new_version_and_earlier_answers_keep_their_score(field):
    give_quiz(field.campaign)
    first, _ = answer(field, field.households_a1[0], RIGHT)
    swapped = [dict(QUESTIONS[0], answer=2), QUESTIONS[1]]
    second = publish_quiz(field.campaign, swapped, 2, "您对本次入户宣传满意吗？")
    _db.session.commit()
    assert (field.campaign.current_quiz.version, second.version) == (2, 2)
    _db.session.refresh(first)
    assert (first.quiz.version, first.passed) == (1, True)
    later, _ = answer(field, field.households_a1[1], RIGHT)
    assert (later.quiz.version, later.passed) == (2, False)


@pytest.mark.parametrize("questions, pass_mark, message", [
    ([{"text": "", "options": ["甲", "乙"], "answer": 0}], 1, "没有题目"),
    ([{"text": "问", "options": ["甲"], "answer": 0}], 1, "选项"),
    ([{"text": "问", "options": ["甲", "乙"], "answer": 5}], 1, "正确答案"),
    ([{"text": "问", "options": ["甲", "乙"], "answer": None}], 1, "正确答案"),
    (QUESTIONS, 3, "及格题数"),
])
def test_a_quiz_that_cannot_be_scored_is_refused(field, questions, pass_mark, message):
    with pytest.raises(QuizInvalid) as refused:
        publish_quiz(field.campaign, questions, pass_mark, None)
    assert message in str(refused.value.errors)


def test_a_worker_records_the_quiz_with_the_visit_and_a_resend_counts_it_once(client, app, field):
    give_quiz(field.campaign)
    headers = bearer(app, field.users["worker_a1"])
    payload = visit_payload(field.campaign, field.households_a1[0], materials=[{"code": "notice", "quantity": 1}],
                            quiz={"quiz_version": 1, "answers": RIGHT, "satisfaction": 1})
    assert client.post(f"{API}/visits", json=payload, headers=headers).status_code == 201
    assert client.post(f"{API}/visits", json=payload, headers=headers).status_code == 200
    assert grid_counts(field) == (1, 1, 1, 1)
    stored = _db.session.query(QuizAnswer).one()
    assert (stored.client_id, stored.visit_id, stored.channel) == (payload["id"], payload["id"],
                                                                    QuizChannel.WORKER_VISIT)
    ledger = client.get(f"{API}/ledger", query_string={"campaign_id": field.campaign.id,
                                                       "area_id": field.grid_a1.id}, headers=headers).get_json()
    assert (ledger["totals"]["quiz_respondents"], ledger["rates"]["knowledge"]) == (1, 1.0)
    assert (ledger["totals"]["satisfaction_respondents"], ledger["rates"]["satisfaction"]) == (1, 1.0)
    campaigns = client.get(f"{API}/campaigns", headers=headers).get_json()
    assert campaigns[0]["quiz"]["questions"][0]["text"] == "过期药品属于哪一类垃圾？"


@pytest.mark.parametrize("quiz, outcome, field_name", [
    ({"answers": [1]}, "contacted", "quiz.answers"),
    ({"answers": [1, 9]}, "contacted", "quiz.answers"),
    ({"answers": RIGHT, "satisfaction": 7}, "contacted", "quiz.satisfaction"),
    ({"answers": RIGHT, "quiz_version": 9}, "contacted", "quiz.quiz_version"),
    ({"answers": RIGHT}, "not_home", "quiz"),
])
def test_a_visit_with_a_quiz_that_does_not_fit_is_refused_and_counts_nothing(client, app, field, quiz, outcome,
                                                                             field_name):
    give_quiz(field.campaign)
    headers = bearer(app, field.users["worker_a1"])
    payload = visit_payload(field.campaign, field.households_a1[0], outcome, quiz=quiz)
    response = client.post(f"{API}/visits", json=payload, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert field_name in response.get_json()["errors"]
    assert _db.session.query(QuizAnswer).count() == 0


QUIZ_TEXT = "过期药品属于哪一类垃圾？\n可回收物\n*有害垃圾\n厨余垃圾\n\n废旧报纸属于哪一类垃圾？\n*可回收物\n其他垃圾"


def test_an_admin_publishes_the_quiz_on_the_campaign_page_and_each_save_is_a_new_version(client, field):
    make_user(Role.DISTRICT_ADMIN, [field.district], name="区管理员", username="district_admin")
    _db.session.commit()
    sign_in(client, "district_admin")
    url = f"/dashboard/campaigns/{field.campaign.id}/quiz"
    assert "添加问卷" in client.get(f"/dashboard/campaigns/{field.campaign.id}").get_data(as_text=True)
    form = {"csrf_token": csrf_token_of(client.get(url).get_data(as_text=True)), "questions": QUIZ_TEXT, "pass_mark": "2",
            "satisfaction_question": "您对本次入户宣传满意吗？", "satisfaction_options": "非常满意\n满意\n一般\n不满意"}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 302
    _db.session.expire_all()
    quiz = field.campaign.current_quiz
    assert (quiz.version, quiz.pass_mark, quiz.questions[0]["answer"], quiz.questions[1]["options"]) == (
        2, 2, 1, ["可回收物", "其他垃圾"])
    page = client.get(f"/dashboard/campaigns/{field.campaign.id}").get_data(as_text=True)
    assert "过期药品属于哪一类垃圾？" in page and "第 2 版" in page
    refused = client.post(url, data={**form, "questions": "过期药品属于哪一类垃圾？\n可回收物\n有害垃圾"})
    assert refused.status_code == 400 and "要标出一个正确答案" in refused.get_data(as_text=True)


def test_a_head_cannot_edit_the_quiz(client, field):
    sign_in(client, "head_a")
    assert client.get(f"/dashboard/campaigns/{field.campaign.id}/quiz").status_code == 403


def quiz_form(client, token) -> dict:
    html = client.get(f"/q/{token}").get_data(as_text=True)
    form = html.split('data-testid="quiz-form"')[1]
    return {"csrf_token": csrf_token_of(html), "form_key": re.search(r'name="form_key" value="(\w+)"', form).group(1),
            "quiz_version": re.search(r'name="quiz_version" value="(\d+)"', form).group(1)}


def test_a_resident_answers_after_signing_on_the_door_page_and_a_second_answer_replaces_the_first(client, field):
    give_quiz(field.campaign)
    household = field.households_a1[0]
    page = client.get(f"/q/{household.token}").get_data(as_text=True)
    assert 'data-testid="quiz-form"' not in page  # not before signing
    receipt = sign(client, household.token)
    assert receipt.status_code == 200 and "过期药品属于哪一类垃圾？" in receipt.get_data(as_text=True)
    form = quiz_form(client, household.token)
    answered = client.post(f"/q/{household.token}/quiz", data={**form, "q0": "1", "q1": "0", "satisfaction": "0"})
    assert answered.status_code == 303
    assert client.post(f"/q/{household.token}/quiz", data={**form, "q0": "1", "q1": "0"}).status_code == 303
    assert grid_counts(field) == (1, 1, 1, 1)  # the resend stored nothing
    page = client.get(f"/q/{household.token}").get_data(as_text=True)
    assert "您已作答" in page
    again = quiz_form(client, household.token)
    client.post(f"/q/{household.token}/quiz", data={**again, "q0": "2", "q1": "0", "satisfaction": "3"})
    assert grid_counts(field) == (1, 0, 1, 0)
    assert current_answer(household, field.campaign).channel is QuizChannel.RESIDENT


def test_the_door_quiz_refuses_an_unsigned_household_and_a_half_answered_form(client, field):
    give_quiz(field.campaign)
    household = field.households_a1[1]
    html = client.get(f"/q/{household.token}").get_data(as_text=True)
    unsigned = client.post(f"/q/{household.token}/quiz", data={
        "csrf_token": csrf_token_of(html), "form_key": uuid.uuid4().hex, "quiz_version": "1", "q0": "1", "q1": "0"})
    assert unsigned.status_code == 422 and "签署承诺书后才能答题" in unsigned.get_data(as_text=True)
    sign(client, household.token)
    half = client.post(f"/q/{household.token}/quiz", data={**quiz_form(client, household.token), "q0": "1"})
    assert half.status_code == 422 and "请回答全部题目" in half.get_data(as_text=True)
    assert grid_counts(field) == (0, 0, 0, 0)


def test_the_ledger_export_shows_each_households_answer_and_the_rates_with_their_respondents(client, field):
    give_quiz(field.campaign)
    answer(field, field.households_a1[0], RIGHT, satisfaction=1)
    answer(field, field.households_a1[1], HALF, satisfaction=2)
    sign_in(client, "street_admin")
    from_rows, summary, rows = ledger_pages.export(client, field.campaign, field.grid_a1)
    assert [(r["答题得分"], r["知晓"], r["满意度"]) for r in rows[:3]] == [
        ("2/2", "是", "满意"), ("1/2", "否", "一般"), (None, None, None)]
    for counts in (from_rows, summary):
        assert [counts[name] for name in ("quiz_respondents", "quiz_passed", "satisfaction_respondents",
                                          "satisfied")] == [2, 1, 2, 1]


def test_a_new_round_starts_with_the_same_quiz(field):
    give_quiz(field.campaign)
    created = new_round(field.campaign, *next_period(field.campaign))
    _db.session.commit()
    assert created.current_quiz.questions == field.campaign.current_quiz.questions
    assert created.current_quiz.version == 1
