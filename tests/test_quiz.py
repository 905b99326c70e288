"""知晓率 and 满意度: a campaign's quiz, each household's current answer, and the counters that count them."""
import uuid

import pytest

from models import LedgerArea, LedgerBuilding, Occupancy, QuizAnswer, QuizChannel
from server.extensions import db as _db
from server.services.canvassing.occupancy import confirm_vacant
from server.services.canvassing.quiz import AnswerElsewhere, QuizInvalid, answer_quiz, current_answer, publish_quiz
from server.services.ledger.counters import ledger_view
from server.services.ledger.rebuild import rebuild_ledger
from tests.field import bearer, visit_payload
from tests.quiz import HALF, QUESTIONS, RIGHT, WRONG, give_quiz
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
