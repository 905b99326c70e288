"""Who knocks where (分配): give buildings to workers, take them back, see what nobody was given yet."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from server.extensions import db
from server.services.access.scope import OutOfScope, get_building, get_worker
from server.services.canvassing.assignment_board import assignment_board
from server.services.canvassing.assignments import AssignmentError, assign, unassign
from server.web.forms import AssignForm, UnassignForm

from . import bp, selection


def _back(chosen):
    """Where a form came from: the building chart it was sent from (``?next=building``), else the assignment page."""
    building_id = request.args.get("building", type=int)
    if building_id:
        return redirect(url_for("dash.building", building_id=building_id, campaign=chosen.campaign.id))
    return redirect(url_for("dash.assignments", **chosen.args()))


@bp.get("/assignments")
def assignments():
    """Grid by grid: each building's worker, boxes to tick and a worker to give them to, and 未分配楼栋."""
    chosen = selection()
    return render_template("dashboard/assignments.html", chosen=chosen, form=AssignForm(formdata=None),
                           undo=UnassignForm(formdata=None), boards=assignment_board(chosen.campaign, chosen.area))


@bp.post("/assignments")
def assign_buildings():
    """Give the ticked buildings (or one unit of them) to a worker; one someone else had passes to this worker."""
    chosen = selection()
    form = AssignForm()
    if not form.validate_on_submit():
        flash("；".join(m for messages in form.errors.values() for m in messages), "error")
        return _back(chosen)
    buildings = [get_building(current_user, building_id) for building_id in form.building.data]
    try:
        worker = get_worker(current_user, form.worker.data)
        done = assign(current_user, chosen.campaign, buildings, worker, form.unit.data, request.remote_addr)
    except OutOfScope:
        flash("没有这个网格员，或他不在您的范围内", "error")
        return _back(chosen)
    except AssignmentError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(chosen)
    db.session.commit()
    flash(f"已将 {'、'.join(a.building.name + (a.unit + '单元' if a.unit else '') for a in done)} 分配给 {worker.name}",
          "info")
    return _back(chosen)


@bp.post("/assignments/remove")
def unassign_building():
    """Take a building (or one unit of it) back: it is listed again among 未分配楼栋."""
    chosen = selection()
    form = UnassignForm()
    if form.validate_on_submit():
        building = get_building(current_user, form.building.data)
        try:
            unassign(current_user, chosen.campaign, building, form.unit.data, request.remote_addr)
        except AssignmentError as error:
            db.session.rollback()
            flash(str(error), "error")
            return _back(chosen)
        db.session.commit()
        flash(f"已取消 {building.name} 的分配", "info")
    return _back(chosen)
