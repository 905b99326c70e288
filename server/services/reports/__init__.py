"""What heads read: the overview, rankings, revisits, the building chart, worker activity, the 台账 export, spot-check
agreement, two rounds compared and the monthly report (通报)."""

from .agreement import Agreement, agreement, checks_under
from .building_chart import STATES, building_chart, household_record
from .coverage import households_under_clause, overview
from .coverage_map import MapBuilding, buildings_on_map
from .ledger_export import export_ledger
from .monthly_figures import MonthlyFigures, MonthNotStarted, month_span, monthly_figures
from .monthly_report import write_monthly_report
from .rankings import rankings
from .revisits import not_yet_visited, revisits_due
from .rounds import RoundComparison, RoundsRefused, compare_rounds, default_rounds, rounds_over
from .worker_activity import flags, today_for, worker_days

__all__ = [
    "Agreement",
    "MapBuilding",
    "MonthNotStarted",
    "MonthlyFigures",
    "RoundComparison",
    "RoundsRefused",
    "STATES",
    "agreement",
    "building_chart",
    "buildings_on_map",
    "checks_under",
    "compare_rounds",
    "default_rounds",
    "export_ledger",
    "flags",
    "household_record",
    "households_under_clause",
    "month_span",
    "monthly_figures",
    "not_yet_visited",
    "overview",
    "rankings",
    "revisits_due",
    "rounds_over",
    "today_for",
    "worker_days",
    "write_monthly_report",
]
