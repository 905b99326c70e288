"""``/q/<token>``: where every door QR code leads.

Staff signed in with access to the household go to its staff page (the
worker's visit form, once built); everyone else sees the resident page. An
unknown or rotated token gets one friendly page that reveals nothing.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from server.services.campaigns import campaigns_covering
from server.services.door_codes import find_household_by_token, mask_label
from server.services.scope import household_in_scope

bp = Blueprint("door", __name__)


@bp.get("/q/<token>")
def open_door(token: str):
    household = find_household_by_token(token)
    if household is None:
        return render_template("door_invalid.html"), 404
    if current_user.is_authenticated and household_in_scope(current_user, household):
        return redirect(url_for("staff.household", household_id=household.id))
    grid = household.building.grid
    campaigns = campaigns_covering(grid, active_only=True)
    campaign = campaigns[0] if campaigns else None
    notice = next((m for m in campaign.materials if m.code == "notice"), None) if campaign else None
    return render_template("door_resident.html", community=household.building.community,
                           address=mask_label(household), campaign=campaign, notice=notice)
