"""The staff home page: who you are, the areas you act in, and what is under way there."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from server.services.areas import summarize_area
from server.services.campaigns import campaigns_covering

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@login_required
def home():
    summaries = [summarize_area(area) for area in current_user.areas]
    campaigns = {c.id: c for area in current_user.areas for c in campaigns_covering(area)}
    return render_template("staff_home.html", summaries=summaries, campaigns=list(campaigns.values()))
