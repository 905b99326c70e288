"""The campaign's quiz (知晓率) and satisfaction question (满意度): publishing it, and storing a household's answer.

A household has one current answer per campaign: the latest received. Each answer set is kept (who said what,
when); storing one moves the ledger by the change from the household's previous answer, in the same unit of
work, through the household's locked progress row (``ledger.counters.fold_quiz``). Every answer is idempotent
by its client UUID: a resend stores nothing and moves nothing.

Why versions rather than a frozen quiz: the office fixes a typo or swaps a question mid-campaign without
starting a new round, and no answer is re-scored: each is scored against the version the resident was shown.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import (SATISFACTION_SCALE, Campaign, Household, Pledge, Quiz, QuizAnswer, QuizChannel, Visit, utcnow)
from server.extensions import db
from server.services.ledger import counters as ledger

MAX_QUESTIONS, MAX_OPTIONS = 10, 6


class QuizInvalid(ValueError):
    """A quiz or an answer that breaks a rule; ``errors`` maps each field to Chinese messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("quiz invalid")
        self.errors = errors


class AnswerElsewhere(ValueError):
    """The answer's UUID was first used for another household or campaign (answered 409)."""


# -- the quiz ------------------------------------------------------------------------------------------------

def publish_quiz(campaign: Campaign, questions: list[dict], pass_mark: int, satisfaction_question: str | None,
                 satisfaction_options: list[str] | None = None) -> Quiz:
    """Publish a new version of the campaign's quiz. Flushes.

    ``questions``: ``[{"text", "options": [..], "answer": index}]``. No questions and no satisfaction question
    takes the quiz away (answers already given stay counted).

    Raises:
        QuizInvalid: a question without text or with fewer than two options, a correct answer not among the
            options, a pass mark above the number of questions.
    """
    errors: dict[str, list[str]] = {}
    clean = []
    if len(questions) > MAX_QUESTIONS:
        errors.setdefault("questions", []).append(f"最多 {MAX_QUESTIONS} 道题")
    for number, question in enumerate(questions, 1):
        text = (question.get("text") or "").strip()
        options = [o.strip() for o in question.get("options") or [] if o and o.strip()]
        answer = question.get("answer")
        if not text:
            errors.setdefault("questions", []).append(f"第 {number} 题没有题目")
        if not 2 <= len(options) <= MAX_OPTIONS:
            errors.setdefault("questions", []).append(f"第 {number} 题需要 2–{MAX_OPTIONS} 个选项")
        if not isinstance(answer, int) or not 0 <= answer < len(options):
            errors.setdefault("questions", []).append(f"第 {number} 题要标出一个正确答案（在选项前加 *）")
        clean.append({"text": text[:200], "options": [o[:60] for o in options], "answer": answer})
    if not isinstance(pass_mark, int) or not (1 if clean else 0) <= pass_mark <= len(clean):
        errors.setdefault("pass_mark", []).append(f"及格题数应在 1 到 {len(clean)} 之间" if clean else
                                                  "没有题目时及格题数为 0")
    options = [o.strip()[:20] for o in (satisfaction_options or SATISFACTION_SCALE) if o and o.strip()]
    if satisfaction_question and not 3 <= len(options) <= MAX_OPTIONS:
        errors.setdefault("satisfaction_options", []).append(f"满意度需要 3–{MAX_OPTIONS} 个选项，从最满意排到最不满意")
    if errors:
        raise QuizInvalid(errors)
    version = campaign.latest_quiz.version + 1 if campaign.latest_quiz else 1
    quiz = Quiz(version=version, questions=clean, pass_mark=pass_mark,
                satisfaction_question=(satisfaction_question or "").strip()[:200] or None,
                satisfaction_options=options)
    campaign.quizzes.append(quiz)
    db.session.flush()
    return quiz


def parse_quiz_text(text: str) -> list[dict]:
    """Questions as an admin types them: one block per question, blank lines between; the first line the question,
    each further line an option, the correct one marked with a leading ``*``::

        过期药品属于哪一类垃圾？
        可回收物
        *有害垃圾
    """
    questions = []
    for block in "\n".join(line.strip() for line in (text or "").splitlines()).split("\n\n"):
        lines = [line for line in block.splitlines() if line]
        if not lines:
            continue
        options = [line.lstrip("*＊").strip() for line in lines[1:]]
        marked = [i for i, line in enumerate(lines[1:]) if line[:1] in "*＊"]
        questions.append({"text": lines[0], "options": options, "answer": marked[0] if len(marked) == 1 else None})
    return questions


def quiz_text(quiz: Quiz | None) -> str:
    """The questions of ``quiz`` as ``parse_quiz_text`` reads them back."""
    if quiz is None:
        return ""
    return "\n\n".join("\n".join([q["text"], *[("*" if i == q["answer"] else "") + o for i, o in enumerate(q["options"])]])
                       for q in quiz.questions)


def quiz_version(campaign: Campaign, version: int | None) -> Quiz | None:
    """The version of the campaign's quiz an answer names; the current one when it names none."""
    if version is None:
        return campaign.current_quiz
    return next((q for q in campaign.quizzes if q.version == version), None)


def answer_errors(campaign: Campaign, block: dict) -> dict[str, list[str]]:
    """What is wrong with an answer block ``{"quiz_version", "answers": [index…], "satisfaction": index}``."""
    quiz = quiz_version(campaign, block.get("quiz_version"))
    if quiz is None:
        return {"quiz.quiz_version": ["本次活动没有这一版问卷"]}
    errors: dict[str, list[str]] = {}
    answers, satisfaction = block.get("answers") or [], block.get("satisfaction")
    if answers and len(answers) != len(quiz.questions):
        errors.setdefault("quiz.answers", []).append(f"请回答全部 {len(quiz.questions)} 道题")
    elif any(not isinstance(a, int) or not 0 <= a < len(q["options"]) for q, a in zip(quiz.questions, answers)):
        errors.setdefault("quiz.answers", []).append("答案不在选项中")
    if satisfaction is not None and (quiz.satisfaction_question is None
                                     or not 0 <= satisfaction < len(quiz.satisfaction_options)):
        errors.setdefault("quiz.satisfaction", []).append("满意度选项不存在")
    if not answers and satisfaction is None:
        errors.setdefault("quiz", []).append("问卷没有作答")
    return errors


# -- answers -------------------------------------------------------------------------------------------------

def answer_quiz(household: Household, campaign: Campaign, block: dict, channel: QuizChannel, client_id: str,
                visit: Visit | None = None, now: dt.datetime | None = None) -> tuple[QuizAnswer, bool]:
    """Store the household's answer (it becomes the current one) and move the ledger; (answer, created). Flushes.

    The block must pass ``answer_errors``. A resend of ``client_id`` answers with the first and moves nothing.

    Raises:
        QuizInvalid: see ``answer_errors``.
        AnswerElsewhere: ``client_id`` was used for another household or campaign.
    """
    existing = _sent_before(client_id, household, campaign)
    if existing is not None:
        return existing, False
    if errors := answer_errors(campaign, block):
        raise QuizInvalid(errors)
    quiz = quiz_version(campaign, block.get("quiz_version"))
    given = list(block.get("answers") or [])
    progress = ledger.lock_progress(household, campaign)  # answers to one door are stored one after the other
    before = ledger.counts_of(household, progress)
    answer = QuizAnswer(client_id=client_id, campaign_id=campaign.id, household_id=household.id, quiz_id=quiz.id,
                        answers=given, correct=quiz.score(given) if given else 0,
                        passed=quiz.passes(given) if given else None, satisfaction=block.get("satisfaction"),
                        channel=channel, visit_id=visit.id if visit else None, received_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(answer)
            db.session.flush()
    except IntegrityError:
        existing = _sent_before(client_id, household, campaign)
        if existing is None:
            raise
        return existing, False
    ledger.fold_quiz(progress, answer.passed, answer.satisfaction)
    ledger.apply_change(household, campaign, before, ledger.counts_of(household, progress))
    db.session.flush()
    return answer, True


def _sent_before(client_id: str, household: Household, campaign: Campaign) -> QuizAnswer | None:
    existing = db.session.scalar(select(QuizAnswer).where(QuizAnswer.client_id == client_id))
    if existing is not None and (existing.household_id, existing.campaign_id) != (household.id, campaign.id):
        raise AnswerElsewhere(client_id)
    return existing


def current_answer(household: Household, campaign: Campaign) -> QuizAnswer | None:
    """The household's current answer in the campaign: the latest received."""
    return db.session.scalar(select(QuizAnswer).where(QuizAnswer.household_id == household.id,
                                                      QuizAnswer.campaign_id == campaign.id)
                             .order_by(QuizAnswer.id.desc()).limit(1))


def _signed(household: Household, campaign: Campaign) -> bool:
    return db.session.scalar(select(Pledge.id).where(Pledge.household_id == household.id,
                                                     Pledge.campaign_id == campaign.id).limit(1)) is not None


def door_quiz(household: Household, campaign: Campaign | None) -> tuple[Quiz | None, QuizAnswer | None]:
    """The quiz the door page offers (once the household has signed the campaign's pledge), and its current answer."""
    if campaign is None or campaign.current_quiz is None or not _signed(household, campaign):
        return None, None
    return campaign.current_quiz, current_answer(household, campaign)


def answer_from_door(household: Household, campaign: Campaign, form: dict) -> tuple[QuizAnswer, bool]:
    """The resident's answer from the door page, after signing: ``q0``, ``q1``…, ``satisfaction``, ``quiz_version``
    and the page's ``form_key``. Flushes.

    Raises:
        QuizInvalid: the household has not signed the campaign's pledge, or the answer breaks a rule.
        AnswerElsewhere: the form key was used at another door.
    """
    if not _signed(household, campaign):
        raise QuizInvalid({"quiz": ["签署承诺书后才能答题"]})
    quiz = quiz_version(campaign, _number(form.get("quiz_version")))
    if quiz is None:
        raise QuizInvalid({"quiz.quiz_version": ["本次活动没有这一版问卷"]})
    answers = [_number(form.get(f"q{i}")) for i in range(len(quiz.questions))]
    if any(a is None for a in answers):
        raise QuizInvalid({"quiz.answers": ["请回答全部题目"]})
    block = {"quiz_version": quiz.version, "answers": answers, "satisfaction": _number(form.get("satisfaction"))}
    key = (form.get("form_key") or "").strip()[:36]
    if not key:
        raise QuizInvalid({"quiz": ["表单已过期，请刷新页面后重新作答"]})
    return answer_quiz(household, campaign, block, QuizChannel.RESIDENT, key)


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
