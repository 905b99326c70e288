"""The feedback inbox: filter, reply (the resident sees it at the door) and close."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Feedback, FeedbackCategory, FeedbackStatus, Household
from server.extensions import db
from server.services.registry.areas import grids_under
from server.services.canvassing.feedback import (FeedbackError, close_feedback, feedback_inbox, inbox_filters,
                                                 reply_to_feedback)
from server.services.access.scope import household_in_scope
from server.web.record_ids import query_id
from server.web.redirects import safe_next

from . import area_or_404, bp, selection


def _feedback_or_404(feedback_id: int) -> Feedback:
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None or not household_in_scope(current_user, db.session.get(Household, feedback.household_id)):
        abort(404, description="没有这条意见，或它不在您的范围内")
    return feedback


@bp.get("/feedback")
def inbox():
    chosen = selection()
    grid_id = query_id("grid")
    filters = inbox_filters(request.args, grid=area_or_404(grid_id) if grid_id else None)
    found = feedback_inbox(chosen.campaign, chosen.area, filters)
    return render_template("dashboard/feedback.html", chosen=chosen, items=found.items, statuses=list(FeedbackStatus),
                           categories=list(FeedbackCategory), grids=grids_under(chosen.area), filters=request.args,
                           average_hours=found.average_hours)


@bp.post("/feedback/<int:feedback_id>/reply")
def reply(feedback_id: int):
    feedback = _feedback_or_404(feedback_id)
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
    close_feedback(_feedback_or_404(feedback_id))
    db.session.commit()
    flash("已办结", "info")
    return redirect(safe_next(request.form.get("next")) or url_for("dash.inbox"))
