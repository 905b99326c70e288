"""Did it really happen: spot checks (复核) of visits, their results, and the resident's word on the door page."""

from .results import (CheckAlreadyDone, CheckCard, CheckInputError, Disputed, check_queue, checks_of, describe,
                      disputed_visits, record_check, record_check_from_page)
from .board import Board, check_board
from .resident_word import LastVisit, NoVisitToAnswer, answer_last_visit, queue_disputed, shown_last_visit
from .sampling import CheckerIsTheWorker, assign_checker, draw_round, sample_visits

__all__ = [
    "Board",
    "CheckAlreadyDone",
    "CheckCard",
    "CheckInputError",
    "CheckerIsTheWorker",
    "Disputed",
    "LastVisit",
    "NoVisitToAnswer",
    "answer_last_visit",
    "assign_checker",
    "check_board",
    "check_queue",
    "checks_of",
    "describe",
    "disputed_visits",
    "draw_round",
    "queue_disputed",
    "record_check",
    "record_check_from_page",
    "sample_visits",
    "shown_last_visit",
]
