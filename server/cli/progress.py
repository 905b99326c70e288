"""Progress for long runs: a bar when the total is known, a running count when it is not."""
from __future__ import annotations

import sys
import time

import click


class Progress:
    """Call with the number done so far; close when finished. Writes to stderr."""

    def __init__(self, label: str, total: int | None = None):
        self.label = label
        self.total = total
        self.started = time.monotonic()
        self.done = 0
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr) if total else None
        if self.bar:
            self.bar.__enter__()

    def __call__(self, done: int) -> None:
        if self.bar:
            self.bar.update(done - self.done)
        else:
            rate = done / max(time.monotonic() - self.started, 1e-6)
            click.echo(f"\r{self.label}：{done:,} 行（{rate:,.0f} 行/秒）", nl=False, err=True)
        self.done = done

    def close(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)
        elif self.done:
            click.echo(err=True)
