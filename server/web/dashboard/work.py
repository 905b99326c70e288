"""Who has not been reached (revisits), who is doing the work (workers), and how areas compare (红黑榜)."""
from __future__ import annotations

from itertools import groupby

from flask import render_template

from models import AreaLevel
from server.services.canvassing.assignments import worker_progress
from server.services.canvassing.team import workers_under
from server.services.registry.positions import count_unplaced
from server.services.reports.rankings import PLACES_MARKED
from server.services.reports.rankings import rankings as rank_areas
from server.services.reports.revisits import not_yet_visited, revisits_due
from server.services.reports.worker_activity import flags, worker_days

from . import bp, selection


@bp.get("/revisits")
def revisits():
    """Who has not been reached: households due a revisit, and those nobody has knocked on yet."""
    chosen = selection()
    revisit_total, revisits = revisits_due(chosen.campaign, chosen.area)
    unvisited_total, unvisited = not_yet_visited(chosen.campaign, chosen.area)
    return render_template("dashboard/revisits.html", chosen=chosen, revisits=revisits, revisit_total=revisit_total,
                           unvisited=unvisited, unvisited_total=unvisited_total)


@bp.get("/revisits/print")
def revisits_print():
    """A walk sheet to print: by grid and building, a line per door with boxes to tick."""
    chosen = selection()
    revisit_total, revisits = revisits_due(chosen.campaign, chosen.area)
    by_grid = [(grid, list(rows)) for grid, rows in groupby(revisits, key=lambda r: r.grid)]  # already in door order
    return render_template("dashboard/revisits_print.html", chosen=chosen, revisits=revisits, by_grid=by_grid,
                           revisit_total=revisit_total)


@bp.get("/workers")
def workers():
    chosen = selection()
    progress = worker_progress(chosen.campaign, workers_under(chosen.area))
    return render_template("dashboard/workers.html", chosen=chosen, days=worker_days(chosen.campaign, chosen.area),
                           flags=flags(chosen.campaign, chosen.area), unplaced=count_unplaced(chosen.area),
                           progress=[p for p in progress.values() if p.assigned])


@bp.get("/rankings")
def rankings():
    chosen = selection()
    tables = []
    if chosen.area.level in (AreaLevel.DISTRICT, AreaLevel.STREET):
        tables.append(("社区", rank_areas(chosen.campaign, chosen.area, AreaLevel.COMMUNITY)))
    if chosen.area.level is not AreaLevel.GRID:
        tables.append(("网格", rank_areas(chosen.campaign, chosen.area, AreaLevel.GRID)))
    return render_template("dashboard/rankings.html", chosen=chosen, tables=tables, marked=PLACES_MARKED)
