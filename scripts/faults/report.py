"""Printing what a fault run saw: answers by status, second by second, the server's log, and each guarantee."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

COLUMNS = ("2xx", "503", "other 5xx", "4xx", "no answer")


def column(outcome: str) -> str:
    """Which column an answer falls in: a status code, or "reset" / "timeout" / "error" when none came."""
    if not outcome.isdigit():
        return "no answer"
    if outcome == "503":
        return "503"
    return {"2": "2xx", "5": "other 5xx"}.get(outcome[0], "4xx")


def _row(label: str, outcomes) -> str:
    counts = Counter(column(o) for o in outcomes)
    return f"{label:<12}" + "".join(f"{counts[c]:>11}" for c in COLUMNS)


def outcome_table(groups: dict[str, list[str]]) -> None:
    print(f"{'':<12}" + "".join(f"{c:>11}" for c in COLUMNS))
    for label, outcomes in groups.items():
        print(_row(label, outcomes))


def by_second(log: list[tuple[float, str, str]], origin: float, start: float, end: float) -> None:
    """One row per second from ``start`` to ``end``, labelled in seconds from ``origin``."""
    print(f"{'second':<12}" + "".join(f"{c:>11}" for c in COLUMNS))
    second = start
    while second < end:
        print(_row(f"{second - origin:+6.0f}", [o for t, _, o in log if second <= t < second + 1]))
        second += 1


def gunicorn_log(folder: Path, sample: str = "database unavailable") -> Counter:
    """What the server wrote to its log: lines, tracebacks, and one line that mentions ``sample``."""
    lines = (folder / "gunicorn.log").read_text(errors="replace").splitlines()
    counts = Counter(lines=len(lines), tracebacks=sum("Traceback" in line for line in lines),
                     sampled=sum(sample in line for line in lines),
                     killed=sum(bool(re.search(r"Worker \(pid:\d+\) was sent SIGKILL", line)) for line in lines))
    print(f"\nserver log: {counts['lines']} lines, {counts['tracebacks']} tracebacks, "
          f"{counts['sampled']} lines '{sample}'" + (f", e.g.\n  {next(l for l in lines if sample in l)}"
                                                       if counts["sampled"] else ""))
    return counts


def check(label: str, ok: bool, detail: str = "") -> bool:
    print(f"  [{'ok' if ok else 'FAIL'}] {label}" + ("" if ok or not detail else f"  ({detail})"))
    return ok


def delivery_checks(tally, verified: tuple) -> list[bool]:
    """What must hold whatever the fault: ``verified`` is field_evening.verify's (stored, lost, phantom, ledger_ok)."""
    _, lost, phantom, ledger_ok = verified
    return [
        check("every visit acknowledged with 2xx is in the database (ids are primary keys: once)", lost == 0,
              f"{lost} lost"),
        check("no visit stored that was never sent", phantom == 0, f"{phantom} phantom"),
        check("every visit was delivered in the end", tally.unsent == 0, f"{tally.unsent} unsent"),
        check("the ledger equals a recount (rebuild-ledger finds no drift)", ledger_ok),
    ]
