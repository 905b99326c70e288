"""The monthly report (通报) of an area: its figures, from the ledger and the rooms that count them, as an A4 PDF
with charts and as an Excel workbook.

It sits in its own room because it reads the spot checks (``checks``), which themselves read ``reports``.
"""

from .figures import MonthlyFigures, MonthNotStarted, month_span, monthly_figures
from .report import write_monthly_report

__all__ = [
    "MonthNotStarted",
    "MonthlyFigures",
    "month_span",
    "monthly_figures",
    "write_monthly_report",
]
