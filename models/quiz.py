"""A campaign's short quiz (知晓率) and satisfaction question (满意度), and the answers households give.

Editing the quiz publishes a new version, as the notice does; none is rewritten. An answer keeps the version
it answered and is scored against it, so a question fixed mid-campaign never re-scores what residents said.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, str_enum, utcnow

#: The satisfaction scale a quiz starts with; "satisfied" are its top two.
SATISFACTION_SCALE = ("非常满意", "满意", "一般", "不满意")
SATISFIED_TOP = 2


class QuizChannel(enum.StrEnum):
    WORKER_VISIT = "worker_visit"  # asked at the door, on the worker's form
    RESIDENT = "resident"  # answered by the resident on the door page

    @property
    def label(self) -> str:
        return {"worker_visit": "入户问答", "resident": "居民自答"}[self.value]


class Quiz(Base):
    """One version of a campaign's quiz: single-choice questions, a pass mark and a satisfaction question.

    ``questions`` is a list of ``{"text", "options": [..], "answer": index of the correct option}``.
    """

    __tablename__ = "quiz"
    __table_args__ = (UniqueConstraint("campaign_id", "version"),
                      CheckConstraint("pass_mark >= 0", name="pass_mark_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    questions: Mapped[list] = mapped_column(JSON)
    pass_mark: Mapped[int] = mapped_column(Integer)
    satisfaction_question: Mapped[str | None] = mapped_column(String(200))
    satisfaction_options: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def score(self, answers: list[int]) -> int:
        """How many of ``answers`` (an option index per question) are correct."""
        return sum(1 for question, given in zip(self.questions, answers) if question["answer"] == given)

    def passes(self, answers: list[int]) -> bool:
        return self.score(answers) >= self.pass_mark


class QuizAnswer(Base):
    """One answer set of one household to a campaign's quiz. The latest received is the household's answer.

    Earlier ones stay, as the record of what was said; ``client_id`` (the phone's or page's UUID) makes a
    resend store nothing new.
    """

    __tablename__ = "quiz_answer"
    __table_args__ = (Index("ix_quiz_answer_campaign_household", "campaign_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    answers: Mapped[list] = mapped_column(JSON)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    # None: the quiz's questions were not answered (only the satisfaction question was).
    passed: Mapped[bool | None] = mapped_column(Boolean)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[QuizChannel] = mapped_column(str_enum(QuizChannel, "quiz_channel", 16))
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visit.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    quiz: Mapped[Quiz] = relationship()

    @property
    def satisfied(self) -> bool | None:
        """Whether the answer is one of the scale's top two; None when the question was not answered."""
        return None if self.satisfaction is None else self.satisfaction < SATISFIED_TOP
