"""Campaigns (活动): street and district admins create, edit, start, end, delete and copy them; heads read them."""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Area, AreaLevel, CampaignStatus
from server.extensions import db
from server.services.access.scope import get_area, get_campaign
from server.services.canvassing.campaign_figures import campaign_figures
from server.services.canvassing.campaign_lookup import (CampaignRefused, campaigns_of, get_run_campaign, may_run,
                                                        may_run_campaigns)
from server.services.canvassing.campaign_texts import (DEFAULT_MATERIALS, NOTICE_TEXT, PLEDGE_BODY, PLEDGE_TITLE,
                                                       MaterialSpec)
from server.services.canvassing.campaigns import (CampaignError, activate_campaign, create_campaign, delete_campaign,
                                                  end_campaign, has_records, new_round, next_period, update_campaign)
from server.services.canvassing.targets import TargetError, set_target, target_areas, targets_of
from server.services.registry.areas import areas_of, find_area
from server.web.forms import SPARE_MATERIAL_ROWS, CampaignForm, NewRoundForm, TargetForm

from . import bp, optional_selection

#: The form's fields for the service's field names that are not form fields of their own.
_FORM_LEVEL = ("status", "materials")


def _run(campaign_id: int):
    """The campaign, if the caller runs it: a head gets 403 (heads read campaigns); beyond their areas, OutOfScope."""
    try:
        return get_run_campaign(current_user, campaign_id)
    except CampaignRefused:
        abort(403, description="活动由街道或区管理员创建和管理，社区负责人可以查看")


def _runners_only() -> None:
    if not may_run_campaigns(current_user):
        abort(403, description="活动由街道或区管理员创建和管理，社区负责人可以查看")


def _area_choices(form: CampaignForm) -> None:
    levels = {AreaLevel.DISTRICT: 0, AreaLevel.STREET: 1, AreaLevel.COMMUNITY: 2, AreaLevel.GRID: 3}
    form.area_id.choices = [(area.id, "\u3000" * levels[area.level] + f"{area.name}（{area.level.label}）")
                            for area in areas_of(current_user)]


def _chosen_area(form: CampaignForm) -> Area | None:
    """The area picked; one beyond the caller's areas is passed on, for the service to refuse beside the field."""
    return find_area(form.area_id.data)


def _materials(form: CampaignForm) -> tuple[list[MaterialSpec], list[int]]:
    """The filled rows as materials, and for each the row it came from (the service names rows by list position)."""
    specs, rows = [], []
    for row, (code, name, quantity) in enumerate(form.material_rows()):
        if (code.data or "").strip() or (name.data or "").strip() or quantity.data is not None:
            specs.append(MaterialSpec((code.data or "").strip(), (name.data or "").strip(), quantity.data))
            rows.append(row)
    return specs, rows


def _show_errors(form: CampaignForm, error: CampaignError, rows: list[int]) -> list[str]:
    """Put each message beside its field; return those that belong to the whole form."""
    general = []
    for key, messages in error.errors.items():
        name, _, index = key.partition("-")
        if index.isdigit() and hasattr(form, name):
            fields = getattr(form, name)
            fields[rows[int(index)]].errors = list(fields[rows[int(index)]].errors) + messages
        elif key not in _FORM_LEVEL and hasattr(form, key):
            getattr(form, key).errors = list(getattr(form, key).errors) + messages
        else:
            general.extend(messages)
    return general


def _pad_rows(form: CampaignForm) -> None:
    rows = len(form.material_rows())
    filled = sum(1 for code, name, _ in form.material_rows() if (code.data or name.data))
    for _ in range(max(0, filled + SPARE_MATERIAL_ROWS - rows)):
        for fields in (form.material_code, form.material_name, form.material_quantity):
            fields.append_entry()


def _fill(form: CampaignForm, materials: list[tuple], notice: str, title: str, pledge: str) -> None:
    for code, name, quantity in materials:
        form.material_code.append_entry(code)
        form.material_name.append_entry(name)
        form.material_quantity.append_entry(quantity)
    form.notice_text.data, form.pledge_title.data, form.pledge_text.data = notice, title, pledge
    _pad_rows(form)


def _form_page(form, campaign=None, general=(), status=200):
    return render_template("dashboard/campaign_form.html", chosen=optional_selection(), hide_pick=True, form=form, campaign=campaign,
                           general=list(general)), status


@bp.get("/campaigns")
def campaigns():
    """The campaigns over, above or beneath the caller's areas, with their status, period, area and figures."""
    found = campaigns_of(current_user)
    return render_template("dashboard/campaigns.html", chosen=optional_selection(), hide_pick=True, campaigns=found,
                           figures=campaign_figures(found, current_user), may_create=may_run_campaigns(current_user),
                           runs={c.id for c in found if may_run(current_user, c)})


@bp.route("/campaigns/new", methods=["GET", "POST"])
def campaign_new():
    _runners_only()
    form = CampaignForm()
    _area_choices(form)
    if request.method == "GET":
        today = dt.date.today()
        form.area_id.data = current_user.areas[0].id if current_user.areas else None
        form.start_date.data, form.end_date.data = today, today + dt.timedelta(days=30)
        _fill(form, [(code, name, None) for code, name in DEFAULT_MATERIALS], NOTICE_TEXT, PLEDGE_TITLE, PLEDGE_BODY)
        return _form_page(form)
    general = []
    specs, rows = _materials(form)
    if form.validate_on_submit():
        try:
            campaign = create_campaign(form.name.data, _chosen_area(form), form.start_date.data, form.end_date.data,
                                       materials=specs, notice_text=form.notice_text.data,
                                       pledge_title=form.pledge_title.data, pledge_text=form.pledge_text.data,
                                       user=current_user, ip=request.remote_addr)
        except CampaignError as error:
            db.session.rollback()
            general = _show_errors(form, error, rows)
        else:
            db.session.commit()
            flash(f"已创建活动“{campaign.name}”（筹备中）；检查无误后请点“启用”", "info")
            return redirect(url_for("dash.campaign", campaign_id=campaign.id))
    _pad_rows(form)
    return _form_page(form, general=general, status=400)


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    """One campaign: its period, area, materials, notice and pledge texts with every version, and its buttons."""
    found = get_campaign(current_user, campaign_id)
    start, end = next_period(found)
    return _detail_page(found, NewRoundForm(formdata=None, start_date=start, end_date=end, name=""))


def _detail_page(campaign, round_form, status=200, target_form=None):
    return render_template("dashboard/campaign.html", chosen=optional_selection(), hide_pick=True, campaign=campaign,
                           runs=may_run(current_user, campaign), deletable=not has_records(campaign),
                           figures=campaign_figures([campaign], current_user).get(campaign.id), round_form=round_form,
                           targets=targets_of(campaign), target_areas=target_areas(current_user, campaign),
                           target_form=target_form or TargetForm(formdata=None, due_date=campaign.end_date)), status


@bp.post("/campaigns/<int:campaign_id>/target")
def campaign_target(campaign_id: int):
    """Set the 入户率 an area should reach by a date; the overview projects where today's pace leads."""
    found = get_campaign(current_user, campaign_id)
    form = TargetForm()
    if form.validate_on_submit():
        try:
            target = set_target(current_user, found, get_area(current_user, form.area.data), form.percent.data,
                                form.due_date.data)
        except TargetError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"已设定目标：入户率 {target.percent}%，截止 {target.due_date}", "info")
            return redirect(url_for("dash.campaign", campaign_id=found.id))
    start, end = next_period(found)
    return _detail_page(found, NewRoundForm(formdata=None, start_date=start, end_date=end, name=""), 400, form)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
def campaign_edit(campaign_id: int):
    found = _run(campaign_id)
    if found.status is CampaignStatus.CLOSED:
        flash("活动已结束，不能再修改；可以用“新一轮”复制一个新活动", "error")
        return redirect(url_for("dash.campaign", campaign_id=found.id))
    form = CampaignForm(obj=None)
    _area_choices(form)
    if request.method == "GET":
        form.name.data, form.area_id.data = found.name, found.area_id
        form.start_date.data, form.end_date.data = found.start_date, found.end_date
        notice, pledge = found.current_notice_text, found.current_pledge_text
        _fill(form, [(m.code, m.name, m.planned_quantity) for m in found.materials], notice.body if notice else "",
              pledge.title if pledge else "", pledge.body if pledge else "")
        return _form_page(form, found)
    general = []
    specs, rows = _materials(form)
    if form.validate_on_submit():
        if found.status is not CampaignStatus.DRAFT:
            form.area_id.data = found.area_id  # shown, not sent: a started campaign keeps its area
        area = _chosen_area(form)
        try:
            update_campaign(found, form.name.data, area, form.start_date.data, form.end_date.data, specs,
                            form.notice_text.data, form.pledge_title.data, form.pledge_text.data,
                            user=current_user, ip=request.remote_addr)
        except CampaignError as error:
            db.session.rollback()
            general = _show_errors(form, error, rows)
        else:
            db.session.commit()
            flash("已保存；改动的告知书或承诺书已发布为新版本，已签的承诺书仍对应签署时的版本", "info")
            return redirect(url_for("dash.campaign", campaign_id=found.id))
    _pad_rows(form)
    return _form_page(form, found, general, status=400)


def _act(campaign_id: int, action, done: str):
    found = _run(campaign_id)
    try:
        action(found, user=current_user, ip=request.remote_addr)
    except CampaignError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done.format(name=found.name), "info")
    return redirect(url_for("dash.campaign", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/activate")
def campaign_activate(campaign_id: int):
    return _act(campaign_id, activate_campaign, "活动“{name}”已启用：网格员可以开始走访，居民可以签署承诺书")


@bp.post("/campaigns/<int:campaign_id>/end")
def campaign_end(campaign_id: int):
    return _act(campaign_id, end_campaign, "活动“{name}”已结束：不再接受走访和签名，数据仍可查看和导出")


@bp.post("/campaigns/<int:campaign_id>/delete")
def campaign_delete(campaign_id: int):
    found = _run(campaign_id)
    name = found.name
    try:
        delete_campaign(found, user=current_user, ip=request.remote_addr)
    except CampaignError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("dash.campaign", campaign_id=campaign_id))
    db.session.commit()
    flash(f"已删除活动“{name}”", "info")
    return redirect(url_for("dash.campaigns"))


@bp.post("/campaigns/<int:campaign_id>/new-round")
def campaign_new_round(campaign_id: int):
    """A new draft for the next period with this campaign's area, materials and current texts."""
    found = _run(campaign_id)
    form = NewRoundForm()
    if form.validate_on_submit():
        try:
            later = new_round(found, form.start_date.data, form.end_date.data, form.name.data,
                              user=current_user, ip=request.remote_addr)
        except CampaignError as error:
            db.session.rollback()
            for key, messages in error.errors.items():
                field = getattr(form, key, None) if key in ("name", "start_date", "end_date") else None
                if field is not None:
                    field.errors = list(field.errors) + messages
                else:
                    flash("；".join(messages), "error")
        else:
            db.session.commit()
            flash(f"已创建新一轮活动“{later.name}”（筹备中），资料和文本已复制", "info")
            return redirect(url_for("dash.campaign", campaign_id=later.id))
    return _detail_page(found, form, status=400)
