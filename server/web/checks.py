"""``/checks``: the checker's re-visit pages (复核) on a phone: my checks, and the short form at the door.

A checker is whoever the head gave a check to (a head, or a worker who did not make the visit); each
sees only their own checks (``scope.get_spot_check``). The form records what the household says, with
the checker's own photo and GPS; a hidden UUID makes a resent form one check.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from server.extensions import db, limiter
from server.services.access.scope import get_spot_check
from server.services.checks import CheckAlreadyDone, CheckInputError, checks_of, describe, record_check_from_page
from server.services.files.storage import storage

bp = Blueprint("checks", __name__, url_prefix="/checks")


@bp.get("/")
@login_required
def mine():
    return render_template("checks/list.html", todo=[describe(c) for c in checks_of(current_user)],
                           done=[describe(c) for c in checks_of(current_user, done=True)[-20:]])


def _form_page(check, status: int = 200, errors: dict | None = None):
    return render_template("checks/form.html", card=describe(check), client_id=str(uuid.uuid4()),
                           errors=errors or {}, entered=request.form if errors else {}), status


@bp.route("/<int:check_id>", methods=["GET", "POST"])  # one rule: an id no record can hold is a 404 either way
@login_required
@limiter.limit("30/minute", methods=["POST"])
def form(check_id: int):
    """The re-visit form; posted, it records what the household said: visited? material received? signed
    themselves? with photo and GPS."""
    check = get_spot_check(current_user, check_id)
    if request.method == "GET":
        return _form_page(check)
    upload = request.files.get("photo")
    try:
        record_check_from_page(check, current_user, request.form.to_dict(), upload.read() if upload else None,
                               storage(), current_app.config["MAX_FILE_MB"] * 1024 * 1024)
    except CheckInputError as bad:
        db.session.rollback()
        return _form_page(check, 422, bad.errors)
    except CheckAlreadyDone:
        db.session.rollback()
        flash("这项复核已经记录过了", "info")
        return redirect(url_for("checks.mine"), 303)
    db.session.commit()
    flash("复核已记录" + ("：该次走访被标为不实，已从入户统计中去除" if check.visited is False else ""), "info")
    return redirect(url_for("checks.mine"), 303)
