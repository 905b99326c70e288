"""The live ledger (台账): counters that move with every visit, and their recount."""

from .counters import LedgerView, ledger_view, local_day, rate, rates
from .rebuild import days_counted_in_scope, rebuild_ledger, refresh_population, strike_visit

__all__ = [
    "LedgerView",
    "days_counted_in_scope",
    "ledger_view",
    "local_day",
    "rate",
    "rates",
    "rebuild_ledger",
    "refresh_population",
    "strike_visit",
]
