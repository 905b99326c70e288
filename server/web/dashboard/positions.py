"""Placing buildings on the map: drag or drop one (JSON from the map, or a plain form), or accept its suggestion."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user
from marshmallow import Schema, ValidationError, fields
from werkzeug.exceptions import UnprocessableEntity

from models import Building
from server.errors import translate_messages
from server.extensions import db
from server.services.access.scope import get_building
from server.services.registry.positions import (NoSuggestion, PlacementRefused, PositionOutOfRange, accept_suggestion,
                                                place_building)

from . import bp

#: Why a position was refused, for a person (beside the field in JSON, as the flash message on a form).
INVALID_POSITION = "位置有误，楼栋未移动"


class PositionIn(Schema):
    """Where to put the building: GCJ-02 degrees, as the map gives them."""

    lat = fields.Float(required=True, allow_nan=False)
    lng = fields.Float(required=True, allow_nan=False)


def _answer(building: Building, message: str):
    if request.is_json:
        return jsonify({"id": building.id, "name": building.name, "lat": building.lat, "lng": building.lng,
                        "source": building.position_source.value, "source_label": building.position_source.label})
    flash(message, "info")
    return _back_to_map()


def _refused(errors: dict, message: str = INVALID_POSITION):
    """Nothing changed: a 422 in the one error shape for the map, a flash and the map again for a form."""
    db.session.rollback()
    if request.is_json:
        refused = UnprocessableEntity(message)
        refused.data = {"message": message, "errors": errors}
        raise refused
    flash(f"{message}：" + "；".join(str(m[0] if isinstance(m, list) else m) for m in errors.values()), "error")
    return _back_to_map()


def _back_to_map():
    return redirect(url_for("dash.coverage_map", campaign=request.args.get("campaign", type=int),
                            area=request.args.get("area", type=int)))


@bp.post("/buildings/<int:building_id>/position")
def position_building(building_id: int):
    """Place or move a building (heads in their community, admins in their area): ``{"lat","lng"}`` or a form."""
    building = get_building(current_user, building_id)
    payload = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    payload = {key: value for key, value in payload.items() if key != "csrf_token"} if isinstance(payload, dict) else {}
    try:
        position = PositionIn().load(payload)
        place_building(current_user, building, position["lat"], position["lng"], ip=request.remote_addr)
    except ValidationError as invalid:
        return _refused(translate_messages(invalid.messages))
    except PositionOutOfRange as bad:
        return _refused({field: [message] for field, message in bad.errors.items()})
    except PlacementRefused:
        abort(403, description="网格员和志愿者不能标注楼栋位置")
    db.session.commit()
    return _answer(building, f"已标注 {building.name} 的位置")


@bp.post("/buildings/<int:building_id>/position/accept")
def accept_building_suggestion(building_id: int):
    """Take the building's suggested position (the median of its visits' accurate fixes) as its position."""
    building = get_building(current_user, building_id)
    try:
        accept_suggestion(current_user, building, ip=request.remote_addr)
    except NoSuggestion:
        return _refused({"building": ["这栋楼目前没有建议位置（需至少 3 次入户且定位精度在 50 米以内）"]},
                        "无法采纳建议位置")
    except PlacementRefused:
        abort(403, description="网格员和志愿者不能标注楼栋位置")
    db.session.commit()
    return _answer(building, f"已采纳 {building.name} 的建议位置")
