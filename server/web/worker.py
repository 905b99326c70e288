"""The grid worker's mobile pages in WeChat's browser: sign in with an invite code, walk, knock, record.

The pages record visits through the mini-program API (``/api/mp/v1``) with a
bearer token handed to this browser, so that a visit from a web page and one
from the mini-program go through exactly the same code. A service worker and
IndexedDB keep the pages and the queue of unsent visits working without signal.
"""
from __future__ import annotations

import datetime as dt

from flask import (Blueprint, abort, current_app, jsonify, redirect, render_template, request, send_from_directory,
                   url_for)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from models import FIELD_ROLES, SessionChannel
from server.extensions import db, limiter
from server.services.ledger import counters as ledger
from server.services.access.accounts import InviteNotValid, redeem_invite
from server.services.canvassing.campaigns import campaigns_covering, worker_campaign
from server.services.access.sessions import api_token
from server.services.privacy.household_views import household_view
from server.services.canvassing.walk_list import find_doors, walk_list, worker_doors, worker_grids
from server.services.reports.worker_activity import today_for
from server.web.auth import sign_in, sign_out
from server.web.record_ids import query_id

bp = Blueprint("worker", __name__, url_prefix="/w")


class InviteSignInForm(FlaskForm):
    invite_code = StringField("邀请码", validators=[DataRequired("请输入邀请码"), Length(max=32)])


class PhoneSearchForm(FlaskForm):
    phone = StringField("户主手机号", validators=[DataRequired("请输入户主完整手机号"), Length(max=32)])


def _field_worker_only():
    if current_user.role not in FIELD_ROLES:
        abort(403, description="此页面供网格员和志愿者使用")


def _campaign():
    grids = worker_grids(current_user)
    return worker_campaign(grids), grids


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
            if user.role not in FIELD_ROLES:
                db.session.rollback()
                form.invite_code.errors.append("这个邀请码不是网格员或志愿者的")
                status = 400
            else:
                sign_in(user, SessionChannel.WORKER, remember=True, duration=_session_length(user))
                return redirect(url_for("worker.home"))
    elif request.method == "POST":
        status = 400
    return render_template("worker/login.html", form=form), status


def _session_length(user) -> dt.timedelta:
    """The session lasts the campaign (at least a day); a head can end it sooner by deactivating the worker."""
    ends = [c.end_date for grid in worker_grids(user) for c in campaigns_covering(grid, active_only=True)]
    if not ends:
        return dt.timedelta(days=1)
    return max(dt.timedelta(days=1), dt.datetime.combine(max(ends), dt.time()) - dt.datetime.now() + dt.timedelta(days=1))


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
    campaign, grids = _campaign()
    if campaign is None:
        return render_template("worker/home.html", campaign=None, grids=grids, today=today_for(current_user))
    grid = next((g for g in grids if g.id == query_id("grid")), grids[0] if grids else None)
    todo = walk_list(grid, campaign, "todo", limit=200) if grid else None
    revisit = walk_list(grid, campaign, "revisit", limit=200) if grid else None
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
    campaign, grids = _campaign()
    if campaign is None:
        return jsonify({"campaign": None, "households": [], "worker": {"id": current_user.id, "name": current_user.name}})
    text = campaign.current_pledge_text
    # The token belongs to this browser's sign-in: logging out here revokes it too.
    token, expires_in = api_token(current_app.config, user=current_user, session_id=current_user.login_session_id)
    return jsonify({
        "worker": {"id": current_user.id, "name": current_user.name},
        "token": token, "token_expires_in": expires_in,
        "campaign": {"id": campaign.id, "name": campaign.name,
                     "materials": [{"code": m.code, "name": m.name} for m in campaign.materials],
                     "pledge_text": {"version": text.version, "title": text.title} if text else None},
        "households": [{**household_view(h, "worker_offline"), "progress": ledger.snapshot(h, p)}
                       for h, p in worker_doors(current_user, campaign)],
    })


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

