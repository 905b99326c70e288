"""``/q/<token>``: where every door QR code leads, and what a resident does there.

Staff signed in with access to the household go to its staff page; everyone
else sees the resident page: the notice, the pledge to sign with a finger, and
their feedback with the community's replies. An unknown or rotated token gets
one friendly page that reveals nothing.
"""
from __future__ import annotations

import uuid

from flask import (Blueprint, abort, current_app, flash, jsonify, make_response, redirect, render_template, request,
                   url_for)
from flask_login import current_user

from models import FeedbackCategory, Relation, ResidentWord
from server.errors import error_payload
from server.extensions import db, limiter
from server.services.access.audit import record_read
from server.services.access.scope import household_in_scope
from server.services.canvassing.feedback import door_feedback
from server.services.canvassing.quiz import AnswerElsewhere, QuizInvalid, answer_from_door, door_quiz
from server.services.checks import NoVisitToAnswer, answer_last_visit, shown_last_visit
from server.services.canvassing.resident import (PRIVACY_NOTICE, FormKeyElsewhere, NoActiveCampaign, ResidentInputError,
                                                 active_campaign, feedback_from_door, sign_from_door)
from server.services.files.storage import storage
from server.services.pledges.chain import check_pledge, find_pledge
from server.services.privacy.household_views import household_view
from server.services.registry.door_codes import find_household_by_token
from server.timefmt import local_time

bp = Blueprint("door", __name__)


def _door_and_address_key() -> str:
    """One door seen from one address: whoever hammers a door shuts it for themselves, not for its household."""
    return f"door:{request.view_args.get('token', '')}:{request.remote_addr}"


def _household_or_dead_page(token: str):
    household = find_household_by_token(token)
    if household is None:
        abort(404, description="该二维码已失效，请联系社区")
    return household


#: The cookie that tells one browser from another on the door page: one answer per visit and browser.
BROWSER_COOKIE = "qm_door_browser"


def _browser_key() -> str:
    return request.cookies.get(BROWSER_COOKIE) or request.form.get("browser_key") or ""


def _resident_page(household, status: int = 200, errors: dict | None = None, entered: dict | None = None):
    campaign = active_campaign(household)
    browser_key = _browser_key() or uuid.uuid4().hex
    notice = campaign.current_notice_text if campaign else None
    quiz, answered = door_quiz(household, campaign)
    page = render_template(
        "door_resident.html", household=household, shown=household_view(household, "resident"), campaign=campaign,
        notice=notice,
        pledge_text=campaign.current_pledge_text if campaign else None, relations=list(Relation),
        categories=list(FeedbackCategory), feedback=door_feedback(household), privacy_notice=PRIVACY_NOTICE,
        pledge_key=uuid.uuid4().hex, feedback_key=uuid.uuid4().hex, errors=errors or {},
        entered=entered or {}, quiz=quiz, answered=answered, quiz_key=uuid.uuid4().hex,
        last_visit=shown_last_visit(household, campaign, browser_key), browser_key=browser_key)
    response = make_response(page, status)
    if request.cookies.get(BROWSER_COOKIE) != browser_key:
        response.set_cookie(BROWSER_COOKIE, browser_key, max_age=3 * 365 * 86400, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response


@bp.get("/q/<token>")
@limiter.limit("30/minute", key_func=_door_and_address_key)
@limiter.limit("300/minute")  # per address: many residents may share one behind a carrier's NAT
def open_door(token: str):
    household = find_household_by_token(token)
    if household is None:
        return render_template("door_invalid.html"), 404
    if current_user.is_authenticated and household_in_scope(current_user, household):
        if current_user.role.is_field_worker:
            return redirect(url_for("worker.visit", household=household.id))  # the visit form
        return redirect(url_for("staff.household", household_id=household.id))
    return _resident_page(household)


def _form() -> dict:
    return (request.get_json(silent=True) or {}) if request.is_json else request.form.to_dict()


def _invalid_json(errors: dict):
    return jsonify(error_payload(422, "填写有误，请检查后重试",
                                 {field: [message] for field, message in errors.items()})), 422


#: A form carried from one door's page to another's: refused, nothing stored.
FORM_OF_ANOTHER_DOOR = "这份表单来自另一户的页面，请扫描本户门上的二维码后重新填写"


def _form_of_another_door():
    db.session.rollback()
    if request.is_json:
        return jsonify(error_payload(409, FORM_OF_ANOTHER_DOOR)), 409
    abort(409, description=FORM_OF_ANOTHER_DOOR)


def _receipt(pledge) -> dict:
    return {"code": pledge.receipt_code, "signed_at": pledge.signed_at.isoformat(),
            "signed_at_local": local_time(pledge.signed_at, "%Y-%m-%d %H:%M:%S"),
            "pledge_text_version": pledge.text.version,
            "verify_url": url_for("door.verify_pledge", code=pledge.code)}


@bp.post("/q/<token>/pledge")
@limiter.limit("10/minute", key_func=_door_and_address_key)
@limiter.limit("30/minute")
def sign(token: str):
    """Sign the pledge from the door: form post or JSON, the signature as a PNG data URL."""
    household = _household_or_dead_page(token)
    form = _form()
    try:
        signed = sign_from_door(household, form, current_app.config)
    except NoActiveCampaign:
        abort(404, description="社区目前没有需要签署的承诺书")
    except FormKeyElsewhere:
        return _form_of_another_door()
    except ResidentInputError as bad:
        db.session.rollback()
        if request.is_json:
            return _invalid_json(bad.errors)
        return _resident_page(household, 422, bad.errors, {k: form.get(k, "") for k in ("signer_name", "relation")})
    db.session.commit()
    receipt = _receipt(signed.pledge)
    if request.is_json:
        return jsonify(receipt), 201 if signed.created else 200
    quiz, answered = door_quiz(household, active_campaign(household))
    return render_template("door_receipt.html", shown=household_view(household, "resident"), receipt=receipt,
                           household=household, quiz=quiz, answered=answered, quiz_key=uuid.uuid4().hex, errors={})


@bp.post("/q/<token>/quiz")
@limiter.limit("10/minute", key_func=_door_and_address_key)
@limiter.limit("30/minute")
def answer_quiz(token: str):
    """Answer the campaign's quiz and satisfaction question from the door, after signing: the household's answer now."""
    household = _household_or_dead_page(token)
    campaign = active_campaign(household)
    if campaign is None:
        abort(404, description="社区目前没有进行中的活动")
    form = _form()
    try:
        _, created = answer_from_door(household, campaign, form)
    except AnswerElsewhere:
        return _form_of_another_door()
    except QuizInvalid as bad:
        db.session.rollback()
        errors = {field: "；".join(messages) for field, messages in bad.errors.items()}
        if request.is_json:
            return _invalid_json(errors)
        return _resident_page(household, 422, {"quiz": "；".join(errors.values())})
    db.session.commit()
    if request.is_json:
        return jsonify({"answered": True}), 201 if created else 200
    flash("感谢您作答！", "info")
    return redirect(url_for("door.open_door", token=token, _anchor="quiz"), 303)


@bp.post("/q/<token>/feedback")
@limiter.limit("10/minute", key_func=_door_and_address_key)
@limiter.limit("30/minute")
def leave_feedback(token: str):
    """Leave an opinion from the door: category, text and, if the resident wants a call back, a phone number."""
    household = _household_or_dead_page(token)
    form = _form()
    try:
        feedback = feedback_from_door(household, form, current_app.config)
    except NoActiveCampaign:
        abort(404, description="社区目前没有进行中的活动，暂时无法留言")
    except FormKeyElsewhere:
        return _form_of_another_door()
    except ResidentInputError as bad:
        db.session.rollback()
        if request.is_json:
            return _invalid_json(bad.errors)
        return _resident_page(household, 422, {f"feedback_{k}": v for k, v in bad.errors.items()},
                              {f"feedback_{k}": form.get(k, "") for k in ("category", "text", "phone")})
    db.session.commit()
    if request.is_json:
        return jsonify({"id": feedback.id, "status": feedback.status.value}), 201
    flash("已收到您的意见，社区回复后会显示在本页“我的意见”中", "info")
    return redirect(url_for("door.open_door", token=token, _anchor="my-feedback"), 303)


@bp.post("/q/<token>/visit-answer")
@limiter.limit("5/minute", key_func=_door_and_address_key)
@limiter.limit("30/minute")
def answer_visit(token: str):
    """The resident's word on the door's last visit: 属实 (``confirmed``) or 没有人来过 (``denied``), once per browser."""
    household = _household_or_dead_page(token)
    form = _form()
    try:
        word = ResidentWord(form.get("word"))
    except ValueError:
        if request.is_json:
            return _invalid_json({"word": "请选择“属实”或“没有人来过”"})
        abort(422, description="请选择“属实”或“没有人来过”")
    key = request.cookies.get(BROWSER_COOKIE) or str(form.get("browser_key") or "")
    try:
        answer, created = answer_last_visit(household, active_campaign(household), str(form.get("visit_id") or ""),
                                            key[:64], word)
    except NoVisitToAnswer:
        db.session.rollback()
        abort(404, description="这次来访记录已不在本页，请刷新后重试")
    db.session.commit()
    if request.is_json:
        return jsonify({"word": answer.word.value, "created": created}), 201 if created else 200
    flash("谢谢您的回答！" + ("社区会尽快核实。" if answer.word is ResidentWord.DENIED else ""), "info")
    return redirect(url_for("door.open_door", token=token, _anchor="last-visit"), 303)


@bp.get("/pledges/<code>")
@limiter.limit("60/minute")  # receipt codes are short: guessing them is throttled per address
def verify_pledge(code: str):
    """The verification page of a pledge receipt (JSON with ``Accept: application/json`` or ``?format=json``)."""
    pledge = find_pledge(code)
    if pledge is None:
        abort(404, description="没有这个核验码，请检查后重试")
    check = check_pledge(pledge, storage())
    record_read(current_user if current_user.is_authenticated else None, "view_pledge", "pledge",
                detail={"pledge_id": pledge.id, "household_id": pledge.household_id}, ip=request.remote_addr)
    shown = household_view(pledge.household, "resident")
    details = {
        "code": pledge.receipt_code, "community": shown["community"],
        "household": shown["address"], "signed_at": pledge.signed_at.isoformat(),
        "signed_at_local": local_time(pledge.signed_at, "%Y-%m-%d %H:%M:%S"),
        "pledge_text_version": pledge.text.version, "pledge_text_title": pledge.text.title,
        "channel": pledge.channel.value, "seq": pledge.seq, "content_sha256": pledge.content_sha256,
        "valid": check.valid, "content_intact": check.content_intact, "signature_intact": check.signature_intact,
        "signature_purged": check.signature_purged,
        "linked": check.linked,
    }
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify(details)
    return render_template("pledge_verify.html", details=details)
