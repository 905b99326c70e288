"""Times are stored in UTC and shown in Asia/Shanghai."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a UTC timestamp as Beijing time; an empty string for None."""
    if value is None:
        return ""
    return value.astimezone(SHANGHAI).strftime(fmt)


def local_today() -> dt.date:
    """Today's date in Beijing: the day the dashboards and trends count in."""
    return dt.datetime.now(SHANGHAI).date()
