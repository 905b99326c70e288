"""Two rounds side by side (轮次对比): the area, its communities and grids in two campaigns, with the change."""
from __future__ import annotations

from flask import flash, render_template
from flask_login import current_user

from server.services.access.scope import get_campaign
from server.services.reports.rounds import COMPARED, RoundsRefused, compare_rounds, default_rounds, rounds_over
from server.web.record_ids import query_id

from . import bp, selection


@bp.get("/rounds")
def rounds():
    """``?before=&after=&area=``: by default the two latest campaigns (not drafts) over the area, the older as round 1.
    A campaign outside the caller's scope is 404; two that cannot be compared are said in a flash (400)."""
    chosen = selection()
    before_id, after_id = query_id("before"), query_id("after")
    pair = default_rounds(chosen.area) if before_id is None and after_id is None else (
        get_campaign(current_user, before_id) if before_id else None,
        get_campaign(current_user, after_id) if after_id else None)
    comparison, status = None, 200
    try:
        if pair is not None and None in pair:
            raise RoundsRefused("请选择第一轮和第二轮两个活动")
        comparison = compare_rounds(*pair, chosen.area) if pair is not None else None
    except RoundsRefused as refused:
        flash(str(refused), "error")
        status = 400
    return render_template("dashboard/rounds.html", chosen=chosen, over=rounds_over(chosen.area), pair=pair,
                           comparison=comparison, compared=COMPARED, hide_pick=True), status
