"""What heads read: the overview, rankings, revisits, the building chart, worker activity and the 台账 export."""

from .building_chart import STATES, building_chart, household_record
from .coverage import households_under_clause, overview
from .coverage_map import CoverageMap, MapBuilding, buildings_on_map, coverage_colour
from .ledger_export import export_ledger
from .rankings import rankings
from .revisits import not_yet_visited, revisits_due
from .worker_activity import flags, today_for, worker_days
