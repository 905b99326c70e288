"""The areas a street office works in: its communities and grids, and the heads who run them.

It needs no campaign: on an empty database this is where an admin starts.
"""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from models import AreaLevel, Role
from server.extensions import db
from server.services.access.accounts import AccountError, appoint_staff, may_appoint
from server.services.access.scope import get_area
from server.services.registry.areas import AreaError, add_child_area, area_tree
from server.web.forms import AddAreaForm, AppointStaffForm

from . import bp, optional_selection


def _page(*, target=None, area_form=None, staff_form=None, appointed=None):
    trees = [area_tree(area) for area in current_user.areas]
    appointable = {level: role for level in AreaLevel
                   if (role := Role.appointed_for(level)) and may_appoint(current_user, role)}
    return render_template("dashboard/areas.html", chosen=optional_selection(), hide_pick=True, trees=trees,
                           appointable=appointable, target=target,
                           area_form=area_form or AddAreaForm(formdata=None),
                           staff_form=staff_form or AppointStaffForm(formdata=None), appointed=appointed)


@bp.get("/areas")
def areas():
    """The caller's areas as a tree with their ids, and forms to add what lies beneath."""
    return _page()


@bp.post("/areas/<int:area_id>/children")
def add_area(area_id: int):
    """Add a street, community or grid one level beneath an area in scope."""
    parent = get_area(current_user, area_id)
    form = AddAreaForm()
    if form.validate_on_submit():
        try:
            area = add_child_area(parent, form.name.data)
        except AreaError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            return _page(target=area.id)
    return _page(target=parent.id, area_form=form)


@bp.post("/areas/<int:area_id>/staff")
def appoint(area_id: int):
    """Open the account of a community's head (or, for a district admin, a street's admin), shown once."""
    area = get_area(current_user, area_id)
    role = Role.appointed_for(area.level)
    if role is None or not may_appoint(current_user, role):
        abort(403, description="您不能为这一级区域开设账号")
    form = AppointStaffForm()
    if form.validate_on_submit():
        try:
            account = appoint_staff(current_user, role, area, form.name.data, form.username.data)
        except AccountError as exc:
            db.session.rollback()
            form[exc.field if exc.field in form else "name"].errors.append(str(exc))
        else:
            db.session.commit()
            return _page(target=area.id, appointed=account)
    return _page(target=area.id, staff_form=form)
