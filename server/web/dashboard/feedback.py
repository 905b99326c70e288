"""The feedback inbox: filter, reply (the resident sees it at the door) and close."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import FeedbackCategory, FeedbackStatus
from server.extensions import db
from server.services.access.scope import get_area, get_feedback
from server.services.canvassing.feedback import (FeedbackError, close_feedback, feedback_inbox, inbox_filters,
                                                 reply_to_feedback)
from server.services.registry.areas import grids_under
from server.web.record_ids import query_id
from server.web.redirects import safe_next

from . import bp, selection


@bp.get("/feedback")
def inbox():
    chosen = selection()
    grid_id = query_id("grid")
    filters = inbox_filters(request.args, grid=get_area(current_user, grid_id) if grid_id else None)
    found = feedback_inbox(chosen.campaign, chosen.area, filters)
    return render_template("dashboard/feedback.html", chosen=chosen, items=found.items, statuses=list(FeedbackStatus),
                           categories=list(FeedbackCategory), grids=grids_under(chosen.area), filters=request.args,
                           average_hours=found.average_hours)


@bp.post("/feedback/<int:feedback_id>/reply")
def reply(feedback_id: int):
    feedback = get_feedback(current_user, feedback_id)
    try:
        reply_to_feedback(feedback, current_user, request.form.get("reply", ""))
    except FeedbackError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("已回复，居民扫门上的二维码即可看到", "info")
    return redirect(safe_next(request.form.get("next")) or url_for("dash.inbox"))


@bp.post("/feedback/<int:feedback_id>/close")
def close(feedback_id: int):
    close_feedback(get_feedback(current_user, feedback_id))
    db.session.commit()
    flash("已办结", "info")
    return redirect(safe_next(request.form.get("next")) or url_for("dash.inbox"))
