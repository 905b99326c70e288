"""One entry point for the monthly report: the figures, then the PDF and the workbook, with progress."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import BinaryIO

from models import Area, Campaign
from server.services.registry.font import cjk_font

from .monthly_figures import MonthlyFigures, monthly_figures
from .monthly_pdf import write_monthly_pdf
from .monthly_xlsx import SHEETS, write_monthly_xlsx

#: The steps ``progress`` counts: the figures, the PDF, then each sheet of the workbook.
STEPS = 2 + SHEETS


def write_monthly_report(campaign: Campaign, area: Area, month: dt.date, pdf_out: str | BinaryIO,
                         xlsx_out: str | BinaryIO, progress: Callable[[int, int], None] | None = None, *,
                         font: str | None = None, today: dt.date | None = None) -> MonthlyFigures:
    """Write ``area``'s report on ``campaign`` for the month holding ``month`` as a PDF to ``pdf_out`` and a
    workbook to ``xlsx_out`` (each a path or a binary file); return its figures. Reads only.

    ``progress(done, total)`` is called after each of ``STEPS`` steps. ``font`` is a registered CJK font name
    (``cjk_font(LABEL_FONT)``); by default the first one found on the machine.

    Raises:
        MonthNotStarted: the month begins after today (Beijing time).
        CJKFontMissing: no font given and none embeddable found.
    """
    font = font or cjk_font()
    figures = monthly_figures(campaign, area, month, today=today)
    if progress:
        progress(1, STEPS)
    write_monthly_pdf(figures, pdf_out, font)
    if progress:
        progress(2, STEPS)
    write_monthly_xlsx(figures, xlsx_out, progress=(lambda done, _: progress(2 + done, STEPS)) if progress else None)
    return figures
