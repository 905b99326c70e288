"""A campaign's quiz (知晓率) and satisfaction question (满意度): admins who run the campaign edit it.

Saving publishes a new version; answers already given keep the version they answered (``canvassing.quiz``).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from models import SATISFACTION_SCALE, CampaignStatus
from server.extensions import db
from server.services.canvassing.quiz import QuizInvalid, parse_quiz_text, publish_quiz, quiz_text
from server.web.forms import QuizForm

from . import bp, optional_selection
from .campaigns import _run


@bp.route("/campaigns/<int:campaign_id>/quiz", methods=["GET", "POST"])
def campaign_quiz(campaign_id: int):
    found = _run(campaign_id)
    if found.status is CampaignStatus.CLOSED:
        flash("活动已结束，不能再修改问卷", "error")
        return redirect(url_for("dash.campaign", campaign_id=found.id))
    form = QuizForm()
    general: list[str] = []
    if request.method == "GET":
        current = found.latest_quiz
        form.questions.data = quiz_text(current)
        form.pass_mark.data = current.pass_mark if current else 1
        form.satisfaction_question.data = current.satisfaction_question if current else "您对本次入户宣传满意吗？"
        form.satisfaction_options.data = "\n".join(current.satisfaction_options if current else SATISFACTION_SCALE)
        return _page(form, found, general)
    if form.validate_on_submit():
        try:
            quiz = publish_quiz(found, parse_quiz_text(form.questions.data), form.pass_mark.data,
                                form.satisfaction_question.data,
                                [o for o in (form.satisfaction_options.data or "").splitlines() if o.strip()])
        except QuizInvalid as invalid:
            db.session.rollback()
            for name, messages in invalid.errors.items():
                target = getattr(form, name, None)
                if target is not None:
                    target.errors = list(target.errors) + messages
                else:
                    general.extend(messages)
        else:
            db.session.commit()
            flash(f"问卷已发布为第 {quiz.version} 版；已答的问卷仍按答题时的版本计分", "info")
            return redirect(url_for("dash.campaign", campaign_id=found.id))
    return _page(form, found, general, 400)


def _page(form, campaign, general, status=200):
    return render_template("dashboard/quiz_form.html", chosen=optional_selection(), hide_pick=True, form=form,
                           campaign=campaign, general=general), status
