"""Overview, coverage map, building chart and household record."""
from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from models import Household
from server.extensions import db
from server.services.access.audit import record_read
from server.services.access.scope import get_building, get_file, get_household
from server.services.canvassing.assignment_board import building_board
from server.services.canvassing.targets import target_progress
from server.services.canvassing.occupancy import confirm_vacant, revert_vacant
from server.services.files.storage import storage
from server.services.files.uploads import FilePurged, read_file
from server.services.privacy.household_views import household_view
from server.services.privacy.personal_data import REASON_LENGTH, ReasonMissing, UnmaskRefused, reveal_phone
from server.services.registry.positions import may_place
from server.services.reports.building_chart import STATES, building_chart, household_record
from server.services.reports.coverage import overview as coverage_overview
from server.services.reports.coverage_map import MapBuilding, buildings_on_map

from . import bp, selection


@bp.get("/")
def overview():
    chosen = selection()
    data = coverage_overview(chosen.campaign, chosen.area)
    return render_template("dashboard/overview.html", chosen=chosen, data=data,
                           target=target_progress(chosen.campaign, chosen.area))


@bp.get("/map")
def coverage_map():
    chosen = selection()
    return render_template("dashboard/map.html", chosen=chosen, tile_url=current_app.config["MAP_TILE_URL"],
                           tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"], states=STATES)


@bp.get("/map.json")
def map_data():
    """The buildings of the chosen area: those placed, with coordinates and coverage (one row per building), and
    those not yet placed, with the position their visits suggest, if any. Coordinates are GCJ-02."""
    chosen = selection()
    found = buildings_on_map(chosen.campaign, chosen.area)
    return jsonify({"area": chosen.area.name, "buildings": [_placed(row, chosen) for row in found.placed],
                    "unplaced": [_unplaced(row, chosen) for row in found.unplaced],
                    "may_place": may_place(current_user)})


def _map_row(row: MapBuilding, chosen) -> dict:
    building = row.building
    return {"id": building.id, "name": building.name, "community": building.community.name,
            "grid": building.grid.name, "households": row.households, "in_scope": row.in_scope,
            "contacted": row.contacted, "colour": row.colour,
            "url": url_for("dash.building", building_id=building.id, campaign=chosen.campaign.id),
            "position_url": url_for("dash.position_building", building_id=building.id)}


def _placed(row: MapBuilding, chosen) -> dict:
    building = row.building
    return {**_map_row(row, chosen), "lat": building.lat, "lng": building.lng,
            "source": building.position_source.value if building.position_source else None}


def _unplaced(row: MapBuilding, chosen) -> dict:
    suggestion = row.suggestion
    return {**_map_row(row, chosen), "suggestion": None if suggestion is None else {
        "lat": suggestion.lat, "lng": suggestion.lng, "fixes": suggestion.fixes,
        "accept_url": url_for("dash.accept_building_suggestion", building_id=row.building.id)}}


@bp.get("/buildings/<int:building_id>")
def building(building_id: int):
    building = get_building(current_user, building_id)
    chosen = selection(building.grid)
    return render_template("dashboard/building.html", chosen=chosen, chart=building_chart(building, chosen.campaign),
                           states=STATES, board=building_board(chosen.campaign, building))


@bp.get("/households/<int:household_id>")
def household(household_id: int):
    household = get_household(current_user, household_id)
    record_read(current_user, "view_household", "household", household.id, ip=request.remote_addr)
    return _household_page(household)


@bp.post("/households/<int:household_id>/phone")
def unmask_phone(household_id: int):
    """The full phone number, once, for a reason the head gives; the view is logged (and, like every page, not stored
    by the browser: see server/security_headers.py)."""
    household = get_household(current_user, household_id)
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
    household = get_household(current_user, household_id)
    if confirm_vacant(household):
        flash(f"已确认 {household.label} 为空置，不再计入应宣传户数", "info")
    db.session.commit()
    return redirect(url_for("dash.household", household_id=household.id, campaign=request.args.get("campaign")))


@bp.post("/households/<int:household_id>/vacant/revert")
def revert_vacancy(household_id: int):
    """Undo a vacancy confirmation: the household counts again, with everything recorded for it."""
    household = get_household(current_user, household_id)
    if revert_vacant(household):
        flash(f"已撤销 {household.label} 的空置确认，重新计入应宣传户数", "info")
    db.session.commit()
    return redirect(url_for("dash.household", household_id=household.id, campaign=request.args.get("campaign")))


@bp.get("/files/<file_id>")
def file(file_id: str):
    """A photo or signature, to staff who may see the visit or pledge it belongs to."""
    stored = get_file(current_user, file_id)
    try:
        data = read_file(stored, storage())
    except FilePurged:
        abort(410, description="该照片或签名已按保留期限删除")
    return current_app.response_class(data, mimetype=stored.content_type)
