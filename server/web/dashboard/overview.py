"""Overview, coverage map, building chart and household record."""
from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from models import Building, Household, LedgerBuilding
from server.extensions import db
from server.services.registry.areas import buildings_under
from server.services.access.audit import record_read
from server.services.reports.building_chart import STATES, building_chart, household_record
from server.services.registry.positions import may_place, suggestions_under
from server.services.reports.coverage import overview as coverage_overview
from server.services.ledger.counters import rates
from server.services.canvassing.occupancy import confirm_vacant, revert_vacant
from server.services.privacy.personal_data import REASON_LENGTH, ReasonMissing, UnmaskRefused, reveal_phone
from server.services.privacy.household_views import household_view
from server.services.access.scope import OutOfScope, get_file
from server.services.files.storage import LocalStorage
from server.services.files.uploads import file_extension

from . import bp, building_or_404, household_or_404, selection


@bp.get("/")
def overview():
    chosen = selection()
    data = coverage_overview(chosen.campaign, chosen.area)
    return render_template("dashboard/overview.html", chosen=chosen, data=data)


@bp.get("/map")
def coverage_map():
    chosen = selection()
    return render_template("dashboard/map.html", chosen=chosen, tile_url=current_app.config["MAP_TILE_URL"],
                           tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"], states=STATES)


def coverage_colour(counts) -> str:
    """Red under 30 %, amber to 80 %, green above; grey with nothing in scope."""
    contacted = rates(counts)["contacted"] if counts is not None else None
    if contacted is None:
        return "grey"
    return "red" if contacted < 0.3 else "amber" if contacted < 0.8 else "green"


@bp.get("/map.json")
def map_data():
    """The buildings of the chosen area: those placed, with coordinates and coverage (one row per building), and
    those not yet placed, with the position their visits suggest, if any. Coordinates are GCJ-02."""
    chosen = selection()
    rows = db.session.execute(
        buildings_under(chosen.area).add_columns(LedgerBuilding).outerjoin(
            LedgerBuilding, (LedgerBuilding.building_id == Building.id)
            & (LedgerBuilding.campaign_id == chosen.campaign.id))
        .order_by(Building.grid_id, Building.name)).all()
    suggestions = suggestions_under(chosen.area)
    points, unplaced = [], []
    for building, counts in rows:
        row = {
            "id": building.id, "name": building.name, "community": building.community.name,
            "grid": building.grid.name,
            "households": counts.households if counts else 0, "in_scope": counts.in_scope if counts else 0,
            "contacted": counts.contacted if counts else 0, "colour": coverage_colour(counts),
            "url": url_for("dash.building", building_id=building.id, campaign=chosen.campaign.id),
            "position_url": url_for("dash.position_building", building_id=building.id)}
        if building.has_position:
            points.append({**row, "lat": building.lat, "lng": building.lng,
                           "source": building.position_source.value if building.position_source else None})
            continue
        suggestion = suggestions.get(building.id)
        unplaced.append({**row, "suggestion": None if suggestion is None else {
            "lat": suggestion.lat, "lng": suggestion.lng, "fixes": suggestion.fixes,
            "accept_url": url_for("dash.accept_building_suggestion", building_id=building.id)}})
    return jsonify({"area": chosen.area.name, "buildings": points, "unplaced": unplaced,
                    "may_place": may_place(current_user)})


@bp.get("/buildings/<int:building_id>")
def building(building_id: int):
    building = building_or_404(building_id)
    chosen = selection(building.grid)
    return render_template("dashboard/building.html", chosen=chosen, chart=building_chart(building, chosen.campaign),
                           states=STATES)


@bp.get("/households/<int:household_id>")
def household(household_id: int):
    household = household_or_404(household_id)
    record_read(current_user, "view_household", "household", household.id, ip=request.remote_addr)
    return _household_page(household)


@bp.post("/households/<int:household_id>/phone")
def unmask_phone(household_id: int):
    """The full phone number, once, for a reason the head gives; the view is logged (and, like every page, not stored
    by the browser: see server/security_headers.py)."""
    household = household_or_404(household_id)
    try:
        phone = reveal_phone(current_user, household, request.form.get("reason", ""), request.remote_addr)
    except UnmaskRefused:
        abort(403, description="您的角色不能查看完整电话号码")
    except ReasonMissing:
        flash(f"请填写查看完整号码的事由（{REASON_LENGTH[0]}–{REASON_LENGTH[1]} 个字）", "error")
        return redirect(url_for("dash.household", household_id=household.id, campaign=request.args.get("campaign")))
    db.session.commit()
    return _household_page(household, phone)


def _household_page(household: Household, phone: str | None = None) -> str:
    """The head's page of a household; ``phone``: the full number, once asked for with a reason."""
    chosen = selection(household.building.grid)
    shown = household_view(household, "head")
    return render_template("dashboard/household.html", chosen=chosen, record=household_record(household, chosen.campaign),
                           shown=shown, phone=phone or shown["head_phone"], unmasked=phone is not None, states=STATES)


@bp.post("/households/<int:household_id>/vacant")
def mark_vacant(household_id: int):
    household = household_or_404(household_id)
    if confirm_vacant(household):
        flash(f"已确认 {household.label} 为空置，不再计入应宣传户数", "info")
    db.session.commit()
    return redirect(url_for("dash.household", household_id=household.id, campaign=request.args.get("campaign")))


@bp.post("/households/<int:household_id>/vacant/revert")
def revert_vacancy(household_id: int):
    """Undo a vacancy confirmation: the household counts again, with everything recorded for it."""
    household = household_or_404(household_id)
    if revert_vacant(household):
        flash(f"已撤销 {household.label} 的空置确认，重新计入应宣传户数", "info")
    db.session.commit()
    return redirect(url_for("dash.household", household_id=household.id, campaign=request.args.get("campaign")))


@bp.get("/files/<file_id>")
def file(file_id: str):
    """A photo or signature, to staff who may see the visit or pledge it belongs to."""
    try:
        stored = get_file(current_user, file_id)
    except OutOfScope:
        abort(404)
    if stored.purged_at is not None:
        abort(410, description="该照片或签名已按保留期限删除")
    data = LocalStorage(current_app.config["UPLOAD_DIR"]).read(stored.sha256, file_extension(stored))
    return current_app.response_class(data, mimetype=stored.content_type)
