"""The feedback inbox: filter, reply (the resident sees it at the door) and close."""
from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from models import Building, Feedback, FeedbackCategory, FeedbackStatus, Household
from server.extensions import db
from server.services.registry.areas import areas_under
from server.services.reports.coverage import households_under_clause
from server.services.privacy.crypto import FieldCipher
from server.services.canvassing.feedback import FeedbackError, close_feedback, reply_to_feedback
from server.services.privacy.masking import mask_phone
from server.services.access.scope import get_area, get_feedback
from server.timefmt import SHANGHAI
from server.web.record_ids import query_id
from server.web.redirects import safe_next

from . import bp, selection


@bp.get("/feedback")
def inbox():
    chosen = selection()
    query = select(Feedback, Household).join(Household, Household.id == Feedback.household_id).where(
        Feedback.campaign_id == chosen.campaign.id, Feedback.household_id.in_(households_under_clause(chosen.area)))
    status, category = request.args.get("status", ""), request.args.get("category", "")
    if status in {s.value for s in FeedbackStatus}:
        query = query.where(Feedback.status == FeedbackStatus(status))
    if category in {c.value for c in FeedbackCategory}:
        query = query.where(Feedback.category == FeedbackCategory(category))
    if grid_id := query_id("grid"):
        grid = get_area(current_user, grid_id)
        query = query.where(Household.building_id.in_(select(Building.id).where(Building.grid_id == grid.id)))
    for name, op in (("from", "__ge__"), ("to", "__lt__")):
        if value := request.args.get(name):
            try:
                day = dt.date.fromisoformat(value) + (dt.timedelta(days=1) if name == "to" else dt.timedelta())
            except ValueError:
                continue
            moment = dt.datetime.combine(day, dt.time(), SHANGHAI)
            query = query.where(getattr(Feedback.created_at, op)(moment))
    rows = db.session.execute(query.order_by(Feedback.created_at.desc()).limit(500)).all()
    cipher = FieldCipher.from_config(current_app.config)
    items = [(f, h, mask_phone(cipher.decrypt(f.contact_phone_encrypted))) for f, h in rows]
    answered = [f for f, _ in rows if f.replied_at]
    hours = [(f.replied_at - f.created_at).total_seconds() / 3600 for f in answered]
    grids = [a for a in db.session.scalars(areas_under(chosen.area)) if a.level.value == "grid"]
    return render_template("dashboard/feedback.html", chosen=chosen, items=items, statuses=list(FeedbackStatus),
                           categories=list(FeedbackCategory), grids=grids, filters=request.args,
                           average_hours=round(sum(hours) / len(hours), 1) if hours else None)


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
