"""Staff pages: the home page, a household's page with its door code, and door labels for an area."""
from __future__ import annotations

import tempfile
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from server.extensions import db
from server.services.access.audit import record_read
from server.services.access.scope import get_area, get_household, sees_drafts
from server.services.canvassing.campaign_lookup import campaign_for, campaigns_of
from server.services.files.storage import storage
from server.services.jobs import start_job
from server.services.privacy.household_views import household_view
from server.services.registry.areas import child_areas, count_households_under, summarize_area
from server.services.registry.door_codes import RotationRefused, door_url, may_rotate, qr_png, qr_svg, rotate_door_token
from server.services.registry.font import CJKFontMissing, cjk_font
from server.services.registry.labels import area_labels
from server.services.wechat.client import WeChatClient, WeChatError, WeChatNotConfigured, WeChatUnavailable
from server.services.wechat.codes import miniprogram_code
from server.web.record_ids import query_id

bp = Blueprint("staff", __name__, url_prefix="/staff")

#: Up to this many households, labels are made inside the request (a grid, a small community: a few seconds);
#: above it, by a background job that heads and admins start (``labels_job``), or with the CLI.
WEB_LABEL_LIMIT = 2_000


@bp.before_request
@login_required
def require_login():
    """Every staff page needs a signed-in staff member."""


@bp.get("/")
def home():
    summaries = [summarize_area(area) for area in current_user.areas]
    children = {area.id: child_areas(area) for area in current_user.areas}
    campaigns = {c.id: c for c in campaigns_of(current_user)}
    # Areas whose labels are too many for a request: a button starting a background job instead of a link.
    large = {area.id for area in [*current_user.areas, *(c for cs in children.values() for c in cs)]
             if count_households_under(area) > WEB_LABEL_LIMIT}
    return render_template("staff_home.html", summaries=summaries, children=children,
                           campaigns=list(campaigns.values()), large=large,
                           may_start_jobs=current_user.role.may_read_dashboard)


@bp.get("/households/<int:household_id>")
def household(household_id: int):
    household = get_household(current_user, household_id)
    record_read(current_user, "view_household", "household", household.id, ip=request.remote_addr)
    return render_template("staff_household.html", household=household, shown=household_view(household, "head"),
                           url=door_url(current_app.config["PUBLIC_BASE_URL"], household),
                           wechat=bool(current_app.config["WECHAT_APPID"]), may_rotate=may_rotate(current_user))


@bp.get("/households/<int:household_id>/qr.png")
def household_qr_png(household_id: int):
    household = get_household(current_user, household_id)
    png = qr_png(door_url(current_app.config["PUBLIC_BASE_URL"], household))
    return current_app.response_class(png, mimetype="image/png", headers=_download(household, "png"))


@bp.get("/households/<int:household_id>/qr.svg")
def household_qr_svg(household_id: int):
    household = get_household(current_user, household_id)
    svg = qr_svg(door_url(current_app.config["PUBLIC_BASE_URL"], household))
    return current_app.response_class(svg, mimetype="image/svg+xml")


def _download(household, extension: str) -> dict:
    name = quote(f"{household.label}.{extension}")
    return {"Content-Disposition": f"inline; filename*=UTF-8''{name}"}


@bp.post("/households/<int:household_id>/rotate-token")
def rotate_household_token(household_id: int):
    household = get_household(current_user, household_id)
    try:
        rotate_door_token(household, current_user, ip=request.remote_addr)
    except RotationRefused:
        abort(403, description="只有社区负责人和管理员可以更换门贴二维码")
    db.session.commit()
    flash(f"已为 {household.label} 更换二维码，旧门贴立即失效，请打印新门贴", "info")
    return redirect(url_for("staff.household", household_id=household.id))


@bp.get("/households/<int:household_id>/wxacode")
def household_wxacode(household_id: int):
    household = get_household(current_user, household_id)
    config = current_app.config
    try:
        client = WeChatClient.from_config(config)
    except WeChatNotConfigured:
        abort(404)
    try:
        data, content_type = miniprogram_code(household, client, storage().root, config["WECHAT_MP_PAGE"],
                                              config["WECHAT_MP_ENV_VERSION"])
    except WeChatError as error:
        current_app.logger.warning("wxacode for household %s: errcode %s", household.id, error.errcode)
        abort(502, description=f"微信接口返回错误（errcode {error.errcode}），请稍后再试")
    except WeChatUnavailable:
        abort(502, description="微信接口暂时无法访问，请稍后再试")
    return current_app.response_class(data, mimetype=content_type)


@bp.get("/areas/<int:area_id>/labels.pdf")
def area_labels_pdf(area_id: int):
    area = get_area(current_user, area_id)
    campaign = _labels_campaign(area)
    if count_households_under(area) > WEB_LABEL_LIMIT:
        flash(f"{area.name}的住户超过 {WEB_LABEL_LIMIT} 户，门贴改为后台生成：请点击“后台生成门贴”，"
              "或按网格分别打印", "error")
        return redirect(url_for("staff.home"))
    try:
        font = cjk_font(current_app.config["LABEL_FONT"] or None)
    except CJKFontMissing as missing:
        current_app.logger.error("labels: %s", missing)
        abort(503, description="服务器缺少中文字体，无法生成门贴，请联系管理员")
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    area_labels(area, spool, current_app.config["PUBLIC_BASE_URL"], font, campaign=campaign)
    spool.seek(0)
    return send_file(spool, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{area.name}-门贴二维码.pdf")



@bp.post("/areas/<int:area_id>/labels")
def labels_job(area_id: int):
    """Start a background job making the labels of every household under the area; its page follows it."""
    if not current_user.role.may_read_dashboard:
        abort(403, description="门贴较多时由社区负责人或街道管理员在后台生成，请按网格打印")
    area = get_area(current_user, area_id)
    job = start_job(current_user, "labels", area, _labels_campaign(area))
    db.session.commit()
    return redirect(url_for("dash.job", job_id=job.id))


def _labels_campaign(area):
    """The campaign ``?campaign=`` names, printed on the labels' heading (None without one); 404 if not the area's."""
    campaign = None
    if campaign_id := query_id("campaign"):
        campaign = campaign_for(area, campaign_id, drafts=sees_drafts(current_user))
        if campaign is None:
            abort(404)
    return campaign
