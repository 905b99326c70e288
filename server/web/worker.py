"""The grid worker's mobile pages in WeChat's browser: sign in with an invite code, walk, knock, record.

The pages record visits through the mini-program API (``/api/mp/v1``) with a
bearer token handed to this browser, so that a visit from a web page and one
from the mini-program go through exactly the same code. A service worker and
IndexedDB keep the pages and the queue of unsent visits working without signal.
"""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, jsonify, redirect, render_template, request, send_from_directory,
                   url_for)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from marshmallow import Schema, fields, pre_dump
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from miniprogram_api.schemas import ProgressOut
from models import Occupancy, SessionChannel
from server.extensions import db, limiter
from server.services.access.accounts import InviteNotValid, redeem_invite
from server.services.access.sessions import api_token
from server.services.canvassing.walk_list import find_doors, walk_list
from server.services.canvassing.worker_round import offline_copy, session_length, worker_round
from server.services.privacy.household_views import HOUSEHOLD_VIEWS, household_view
from server.services.reports.worker_activity import today_for
from server.web.auth import sign_in, sign_out
from server.web.record_ids import query_id

bp = Blueprint("worker", __name__, url_prefix="/w")


class InviteSignInForm(FlaskForm):
    invite_code = StringField("邀请码", validators=[DataRequired("请输入邀请码"), Length(max=32)])


class PhoneSearchForm(FlaskForm):
    phone = StringField("户主手机号", validators=[DataRequired("请输入户主完整手机号"), Length(max=32)])


class _WorkerOut(Schema):
    id = fields.Integer()
    name = fields.String()


class _MaterialOut(Schema):
    code = fields.String()
    name = fields.String()


class _PledgeTextOut(Schema):
    version = fields.Integer()
    title = fields.String()


class _QuestionOut(Schema):
    text = fields.String()
    options = fields.List(fields.String())


class _QuizOut(Schema):
    version = fields.Integer()
    questions = fields.List(fields.Nested(_QuestionOut))
    satisfaction_question = fields.String(allow_none=True)
    satisfaction_options = fields.List(fields.String())


class _CampaignOut(Schema):
    id = fields.Integer()
    name = fields.String()
    materials = fields.List(fields.Nested(_MaterialOut))
    pledge_text = fields.Nested(_PledgeTextOut, attribute="current_pledge_text", allow_none=True)
    quiz = fields.Nested(_QuizOut, attribute="current_quiz", allow_none=True)


class _OfflineDoorOut(Schema):
    """A door as the phone keeps it (``worker_round.OfflineDoor``): the fields the offline copy is shown of a
    household (``household_views``), and its progress."""

    id = fields.Integer()
    token = fields.String()
    label = fields.String()
    building = fields.String()
    unit = fields.String()
    room = fields.String()
    grid_id = fields.Integer()
    occupancy = fields.Enum(Occupancy, by_value=True)
    progress = fields.Nested(ProgressOut)

    class Meta:
        fields = (*HOUSEHOLD_VIEWS["worker_offline"], "progress")

    @pre_dump
    def _shown(self, door, **_):
        return {**household_view(door.household, "worker_offline"), "occupancy": door.household.occupancy,
                "progress": door.progress}


class OfflineCopyOut(Schema):
    """``/w/app.json``: the worker, and with a campaign, an API token, the campaign and the worker's doors."""

    worker = fields.Nested(_WorkerOut)
    token = fields.String()
    token_expires_in = fields.Integer()
    campaign = fields.Nested(_CampaignOut, allow_none=True)
    households = fields.List(fields.Nested(_OfflineDoorOut))


def _field_worker_only():
    if not current_user.role.is_field_worker:
        abort(403, description="此页面供网格员和志愿者使用")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"])
def login():
    """Bind this browser to a worker's account with a one-time invite code."""
    form = InviteSignInForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = redeem_invite(form.invite_code.data)
        except InviteNotValid:
            db.session.rollback()
            form.invite_code.errors.append("邀请码无效、已使用或已过期，请向社区索取新的邀请码")
            status = 400
        else:
            if not user.role.is_field_worker:
                db.session.rollback()
                form.invite_code.errors.append("这个邀请码不是网格员或志愿者的")
                status = 400
            else:
                sign_in(user, SessionChannel.WORKER, remember=True, duration=session_length(user))
                return redirect(url_for("worker.home"))
    elif request.method == "POST":
        status = 400
    return render_template("worker/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """End this browser's sign-in on the server: its cookies and the API token the page was given stop working.

    The page asks first when visits are still queued on the phone (``worker.js``)."""
    sign_out()
    return redirect(url_for("worker.login"))


@bp.get("/")
@login_required
def home():
    _field_worker_only()
    walk = worker_round(current_user)
    campaign, grids = walk.campaign, walk.grids
    if campaign is None:
        return render_template("worker/home.html", campaign=None, grids=grids, today=today_for(current_user))
    grid = walk.grid(query_id("grid"))
    todo = walk_list(grid, campaign, "todo", limit=200, reader=current_user) if grid else None
    revisit = walk_list(grid, campaign, "revisit", limit=200, reader=current_user) if grid else None
    return render_template("worker/home.html", campaign=campaign, grids=grids, grid=grid, today=today_for(current_user),
                           todo=todo, revisit=revisit)


@bp.route("/search", methods=["GET", "POST"])
@login_required
def search():
    """Doors without a label: find a household by building and room, or by the head's phone number.

    Building and room come in the address; a phone number only in the body of a POST, so that it never
    reaches an access log, the browser's history or a ``Referer`` header.
    """
    _field_worker_only()
    form = PhoneSearchForm()
    building, room = (request.args.get(name, "")[:32] for name in ("building", "room"))
    status = 200
    if request.method == "POST":
        asked = form.validate_on_submit()
        found = find_doors(current_user, "", "", form.phone.data) if asked else []
        status = 200 if asked else 400
    else:
        asked = bool(building.strip() or room.strip())
        found = find_doors(current_user, building, room) if asked else []
    form.phone.data = ""  # the number is not written back into the page
    return render_template("worker/search.html", found=found, building=building, room=room, form=form,
                           asked=asked), status


@bp.get("/households/<int:household_id>")
@login_required
def household(household_id: int):
    return redirect(url_for("worker.visit", household=household_id))


@bp.get("/visit")
@login_required
def visit():
    """The visit form: a page that fills itself from this phone's copy of the walk list, so it works offline."""
    _field_worker_only()
    return render_template("worker/visit.html")


@bp.get("/app.json")
@login_required
def app_data():
    """What the phone keeps for a day offline: the campaign, the worker's doors and an API token."""
    _field_worker_only()
    copy = offline_copy(current_user)
    if copy.campaign is None:
        return jsonify(OfflineCopyOut().dump({"worker": copy.worker, "campaign": None, "households": []}))
    # The token belongs to this browser's sign-in: logging out here revokes it too.
    token, expires_in = api_token(current_app.config, user=current_user, session_id=current_user.login_session_id)
    return jsonify(OfflineCopyOut().dump({"worker": copy.worker, "token": token, "token_expires_in": expires_in,
                                          "campaign": copy.campaign, "households": copy.doors}))


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from /w/ but allowed the whole site, so that a door code opens offline."""
    response = send_from_directory(current_app.static_folder, "worker-sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("worker/offline.html")

