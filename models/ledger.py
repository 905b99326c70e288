"""The 台账: each household's progress in a campaign, and the roll-ups above it.

Roll-ups are counters kept per (campaign, building) and per (campaign, area),
moved by deltas in the same transaction as the visit or pledge that caused
them, so that reading any area's coverage costs one row, not a count over
its households.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, and_, case, func, literal, not_
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, str_enum
from .household import Household, Occupancy
from .visit import Outcome

#: The counters every roll-up keeps: one per predicate of ``Standing``, and all households.
COUNTERS = ("households", "in_scope", "visited", "contacted", "pledged", "documented", "revisit_due",
            "quiz_respondents", "quiz_passed", "satisfaction_respondents", "satisfied")

#: The flags of a household's current quiz answer (``QuizAnswer``), each counted by the counter of its name.
QUIZ_FLAGS = ("quiz_respondents", "quiz_passed", "satisfaction_respondents", "satisfied")


class HouseholdProgress(Base):
    """Where one household stands in one campaign."""

    __tablename__ = "household_progress"

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True, index=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    visited: Mapped[bool] = mapped_column(Boolean, default=False)
    contacted: Mapped[bool] = mapped_column(Boolean, default=False)
    # A contacted visit with a photo and material handed out: two of the 三有.
    evidenced: Mapped[bool] = mapped_column(Boolean, default=False)
    pledged: Mapped[bool] = mapped_column(Boolean, default=False)
    vacant_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    last_outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "outcome", 10))
    last_visit_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The household's current quiz answer (the latest received): answered the questions, passed, answered
    # the satisfaction question, satisfied. Named as the counters that count them.
    quiz_respondents: Mapped[bool] = mapped_column(Boolean, default=False)
    quiz_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    satisfaction_respondents: Mapped[bool] = mapped_column(Boolean, default=False)
    satisfied: Mapped[bool] = mapped_column(Boolean, default=False)


def evidences(outcome: Outcome, has_photo: bool, has_material: bool) -> bool:
    """Whether one visit brings two of the 三有: a contacted visit with a photo and material handed out.

    The third is a pledge: a household with such a visit and a pledge is documented (``Standing.documented``);
    a worker's visit with both is a documented visit (the workers page).
    """
    return outcome is Outcome.CONTACTED and has_photo and has_material


class Standing:
    """Where one household stands in one campaign's ledger: each predicate of the ledger, written once.

    ``Standing(household, progress)`` answers in Python, from a household (anything with ``occupancy``)
    and its progress row (``None``: nobody has knocked yet). ``Standing.sql()`` answers the same questions
    as SQL expressions over ``Household`` outer-joined to ``HouseholdProgress`` (or the aliases given), never
    NULL, for ``where``, ``case`` and counts. Each predicate below is one body that serves both: the live
    counters, the rebuild, every list, page, answer and export ask it and nothing else.

    Vacancy: a household confirmed vacant (``Occupancy.VACANT``) is out of scope. It leaves the denominator
    and every counter but ``households`` (what it had is kept on its progress row), and every list of work to
    do: it is never due a revisit and never waiting for a first visit. Reverting the confirmation brings it
    back with everything recorded for it.
    """

    def __init__(self, household, progress, *, sql: bool = False):
        self._household, self._progress, self._sql = household, progress, sql

    @classmethod
    def sql(cls, household=Household, progress=None) -> "Standing":
        """The predicates as SQL expressions over ``household`` outer-joined to ``progress``."""
        return cls(household, HouseholdProgress if progress is None else progress, sql=True)

    # -- the operations the predicates are written in, each in Python or in SQL ---------------------------

    def _recorded(self, name: str):
        """A flag of the progress row; false when there is none."""
        if self._sql:
            return func.coalesce(getattr(self._progress, name), False)
        return self._progress is not None and bool(getattr(self._progress, name))

    def _last_outcome_is(self, outcome: Outcome):
        if self._sql:
            return func.coalesce(self._progress.last_outcome == outcome, False)
        return self._progress is not None and self._progress.last_outcome is outcome

    def _all(self, *terms):
        return and_(*terms) if self._sql else all(terms)

    def _not(self, term):
        return not_(term) if self._sql else not term

    # -- the predicates -----------------------------------------------------------------------------------

    @property
    def in_scope(self):
        """Counts in the denominator: not confirmed vacant."""
        return self._household.occupancy != Occupancy.VACANT

    @property
    def visited(self):
        """At least one visit recorded."""
        return self._recorded("visited")

    @property
    def contacted(self):
        """入户: at least one visit with outcome ``contacted``."""
        return self._recorded("contacted")

    @property
    def pledged(self):
        """At least one pledge signed for the campaign, at the door or on the resident's phone."""
        return self._recorded("pledged")

    @property
    def documented(self):
        """三有: a contacted visit with a photo and material handed out (``evidences``), and a pledge."""
        return self._all(self._recorded("evidenced"), self._recorded("pledged"))

    @property
    def revisit_due(self):
        """In scope, not contacted, and nobody was at home the last time."""
        return self._all(self.in_scope, self._not(self.contacted), self._last_outcome_is(Outcome.NOT_HOME))

    @property
    def to_visit(self):
        """In scope and nobody has knocked yet: "not yet visited"."""
        return self._all(self.in_scope, self._not(self.visited))

    def counts(self) -> dict:
        """What the household adds to each roll-up counter (``COUNTERS``).

        In Python a dict of 0 and 1; in SQL a dict of expressions to ``sum``. A flag counts only in scope.
        """
        counted = {"households": True, "in_scope": self.in_scope,
                   **{name: self._all(self.in_scope, getattr(self, name))
                      for name in ("visited", "contacted", "pledged", "documented")},
                   **{name: self._all(self.in_scope, self._recorded(name)) for name in QUIZ_FLAGS},
                   "revisit_due": self.revisit_due}
        if self._sql:
            return {name: literal(1) if term is True else case((term, 1), else_=0) for name, term in counted.items()}
        return {name: int(term) for name, term in counted.items()}


class _Counters:
    households: Mapped[int] = mapped_column(Integer, default=0)
    in_scope: Mapped[int] = mapped_column(Integer, default=0)
    visited: Mapped[int] = mapped_column(Integer, default=0)
    contacted: Mapped[int] = mapped_column(Integer, default=0)
    pledged: Mapped[int] = mapped_column(Integer, default=0)
    documented: Mapped[int] = mapped_column(Integer, default=0)
    revisit_due: Mapped[int] = mapped_column(Integer, default=0)
    quiz_respondents: Mapped[int] = mapped_column(Integer, default=0)
    quiz_passed: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction_respondents: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)


class LedgerArea(_Counters, Base):
    """The roll-up of one area (grid, community, street or district) in one campaign."""

    __tablename__ = "ledger_area"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True, index=True)


class LedgerBuilding(_Counters, Base):
    """The roll-up of one building in one campaign."""

    __tablename__ = "ledger_building"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), primary_key=True, index=True)


class LedgerDay(Base):
    """What happened in one area on one day (Beijing time) of a campaign: for trends and week-on-week change.

    ``new_contacted`` and ``new_documented`` count households that became
    contacted or documented that day, so that a rate as of any past day is the
    current count less what came after.
    """

    __tablename__ = "ledger_day"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    contacts: Mapped[int] = mapped_column(Integer, default=0)
    pledges: Mapped[int] = mapped_column(Integer, default=0)
    new_contacted: Mapped[int] = mapped_column(Integer, default=0)
    new_documented: Mapped[int] = mapped_column(Integer, default=0)


#: The counters of a ``LedgerDay``.
DAY_COUNTERS = ("visits", "contacts", "pledges", "new_contacted", "new_documented")
