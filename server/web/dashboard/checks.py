"""Spot checks (复核): draw a sample, give each check to a checker, see the disputed visits and the agreement rates."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from server.extensions import db
from server.services.access.scope import get_queued_check, get_worker
from server.services.checks import CheckerIsTheWorker, assign_checker, check_board, draw_round

from . import bp, selection


def _checker(raw: str):
    """The head themself, or a worker they manage."""
    if raw == str(current_user.id):
        return current_user
    if not raw.isdigit():
        abort(422, description="请选择复核人")
    return get_worker(current_user, int(raw))


def _number(name: str, default: float, low: float, high: float) -> float:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        abort(422, description="抽样参数有误：比例 1–100%，每人至少 1–50 户，随机种子为正整数")
    return value


@bp.get("/checks")
def checks():
    chosen = selection()
    return render_template("dashboard/checks.html", chosen=chosen,
                           board=check_board(chosen.campaign, chosen.area, current_user))


@bp.post("/checks/draw")
def draw_checks():
    """Draw a round: a share of each worker's contacted visits (default 10 %, at least 2), flagged and disputed ones."""
    chosen = selection()
    seed = _number("seed", 0, 0, 2**31 - 1)
    share, minimum = _number("share", 10, 1, 100) / 100, int(_number("minimum", 2, 1, 50))
    checkers = [_checker(raw) for raw in request.form.getlist("checkers")] or None
    round_ = draw_round(chosen.campaign, chosen.area, current_user, seed=int(seed) or None, share=share,
                        minimum=minimum, checkers=checkers)
    db.session.commit()
    flash(f"已抽取 {len(round_.checks)} 户复核（随机种子 {round_.seed}）", "info")
    return redirect(url_for("dash.checks", **chosen.args()), 303)


@bp.post("/checks/<int:check_id>/assign")
def assign_check(check_id: int):
    check = get_queued_check(current_user, check_id)
    try:
        assign_checker(check, _checker(request.form.get("checker", "")))
    except CheckerIsTheWorker:
        db.session.rollback()
        flash("复核人不能是该次走访的网格员本人", "error")
    else:
        db.session.commit()
        flash("已分配复核人", "info")
    return redirect(url_for("dash.checks", campaign=check.visit.campaign_id, area=request.form.get("area") or None), 303)
