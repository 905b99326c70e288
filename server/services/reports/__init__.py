"""What heads read: the overview, rankings, revisits, the building chart, worker activity and the 台账 export."""

from .building_chart import STATES, building_chart, household_record
from .coverage import households_under_clause, overview
from .coverage_map import MapBuilding, buildings_on_map
from .ledger_export import export_ledger
from .rankings import rankings
from .revisits import not_yet_visited, revisits_due
from .worker_activity import flags, today_for, worker_days

__all__ = [
    "MapBuilding",
    "STATES",
    "building_chart",
    "buildings_on_map",
    "export_ledger",
    "flags",
    "household_record",
    "households_under_clause",
    "not_yet_visited",
    "overview",
    "rankings",
    "revisits_due",
    "today_for",
    "worker_days",
]
