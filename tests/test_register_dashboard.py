"""The dashboard's import, step by step: upload → map unknown columns (remembered) → preview → 确认导入 or 取消.
The preview writes nothing; the upload is the uploader's alone and is deleted once used."""
import io
import os
import re
import time
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from models import AuditEvent, Building, ColumnMapping, Household
from server.extensions import db as _db
from server.services.imports.staged import MAX_AGE_SECONDS, sweep_staged
from tests.conftest import csrf_token_of
from tests.registers import community_register
from tests.staff import sign_in


def _csv(records) -> bytes:
    return "\r\n".join(",".join(r) for r in records).encode("gbk")


def upload(client, data: bytes, name="台账.csv", area=None):
    """Upload a register from the import page; returns the response (a redirect to the next step)."""
    query = f"?area={area.id}" if area is not None else ""
    page = client.get(f"/dashboard/import{query}").get_data(as_text=True)
    return client.post(f"/dashboard/import{query}", data={"csrf_token": csrf_token_of(page),
                                                          "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _post(client, url, page_url, **data):
    token = csrf_token_of(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _staged_files(app):
    return sorted(p.name for p in (Path(app.config["UPLOAD_DIR"]) / "imports").glob("*"))


def _head_of(community, label):
    return _db.session.scalar(select(Household.head_name).join(Building).where(
        Building.community_id == community.id, Household.label == label))


def _count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def test_a_head_previews_a_register_sees_the_counts_and_nothing_is_written_until_confirmed(client, app, field):
    sign_in(client, "head_a")
    register = community_register(["楼栋", "单元", "户号", "户主"], [
        ["1栋", "1", "101", ""],  # unchanged
        ["1栋", "1", "102", "李四"],  # updated: a new head
        ["1栋", "1", "401", "王五"],  # new
    ])
    before = _count(Household)
    response = upload(client, _csv(register))
    assert response.status_code == 302 and "/dashboard/import/" in response.headers["Location"]
    preview_url = response.headers["Location"]
    html = re.sub(r">\s+<", "><", client.get(preview_url).get_data(as_text=True))
    assert "新增 <b>1</b> 户，更新 <b>1</b> 户，未变 <b>1</b> 户" in html
    assert "<td>1栋</td><td>1</td><td>4</td><td>401</td><td>王*</td>" in html  # as stored, floor from room, masked
    assert _count(Household) == before and _head_of(field.community_a, "1栋1单元102") == "张三"
    confirm = preview_url.split("?")[0] + "/confirm"
    done = _post(client, confirm, preview_url)
    assert done.status_code == 302
    assert "新增 1 户，更新 1 户，未变 1 户" in client.get(done.headers["Location"]).get_data(as_text=True)
    _db.session.rollback()  # the test's own session: see what the request committed
    assert _count(Household) == before + 1 and _head_of(field.community_a, "1栋1单元102") == "李四"
    assert _staged_files(app) == []  # the upload is gone once imported
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import_households")) is not None


def test_a_bad_register_is_refused_in_the_preview_naming_row_and_column_and_confirming_writes_nothing(client, field):
    sign_in(client, "head_a")
    register = community_register(["社区", "楼栋", "单元", "户号"], [["金桥社区", "1栋", "1", "401"],
                                                                ["滨江社区", "1栋", "1", "402"]])
    preview_url = upload(client, _csv(register)).headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "第 6 行「社区」：“滨江社区”不在您的管辖范围内" in html and "确认导入" not in html
    before = _count(Household)
    _post(client, preview_url.split("?")[0] + "/confirm", preview_url)
    assert _count(Household) == before


def test_an_unknown_column_is_mapped_in_the_browser_and_the_mapping_is_remembered_for_the_same_header(
        client, field):
    sign_in(client, "head_a")
    register = community_register(["门栋", "单元", "户号", "身份证号"], [["1栋", "1", "401", ""]])
    first = client.get(upload(client, _csv(register)).headers["Location"])
    assert first.status_code == 302 and first.headers["Location"].split("?")[0].endswith("/map")
    map_url = first.headers["Location"]
    page = client.get(map_url).get_data(as_text=True)
    assert "门栋" in page and "身份证号" in page and "忽略" in page
    mapped = client.post(map_url, data={"csrf_token": csrf_token_of(page), "col0": "building", "col1": "unit",
                                        "col2": "room", "col3": ""})
    assert mapped.status_code == 302 and "/map" not in mapped.headers["Location"]
    assert "新增 <b>1</b> 户" in client.get(mapped.headers["Location"]).get_data(as_text=True)
    assert _count(ColumnMapping) == 1
    second = register + [["1栋", "1", "402", ""]]
    preview = client.get(upload(client, _csv(second), name="下个月.csv").headers["Location"])
    assert preview.status_code == 200  # straight to the preview: the header's mapping is remembered
    assert "新增 <b>2</b> 户" in preview.get_data(as_text=True)


def _map(client, register_csv, **columns):
    """Upload, map the columns as given on the map page, return the preview's address."""
    map_url = client.get(upload(client, register_csv).headers["Location"]).headers["Location"]
    page = client.get(map_url).get_data(as_text=True)
    return client.post(map_url, data={"csrf_token": csrf_token_of(page), **columns}).headers["Location"]


def test_a_mapping_remembered_in_another_community_or_over_known_columns_never_changes_an_import(client, field):
    sign_in(client, "head_b")  # 滨江社区 maps an unknown column, and swaps two known ones for this upload
    register = community_register(["楼栋", "户号", "户主", "电话", "身份证号"], [["1栋", "501", "张三", "13800138001", ""]])
    _map(client, _csv(register), col0="building", col1="room", col2="", col3="head_name", col4="")
    client.post("/logout", data={"csrf_token": csrf_token_of(client.get("/dashboard/import").get_data(as_text=True))})
    sign_in(client, "head_a")  # 金桥社区, the same header: asked about its own unknown column, and 户主 stays 户主
    first = client.get(upload(client, _csv(register)).headers["Location"])
    assert first.headers["Location"].split("?")[0].endswith("/map")
    preview_url = _map(client, _csv(register), col0="building", col1="room", col2="head_name", col3="head_phone",
                       col4="")
    assert "张*" in client.get(preview_url).get_data(as_text=True)
    again = client.get(upload(client, _csv(register)).headers["Location"])
    assert again.status_code == 200 and 'data-testid="import-remembered"' in again.get_data(as_text=True)
    assert "张*" in again.get_data(as_text=True)


def test_confirming_imports_with_the_mapping_the_preview_showed_even_if_another_is_remembered_meanwhile(
        client, field):
    sign_in(client, "head_a")
    register = community_register(["门栋", "户号"], [["1栋", "701"]])
    _map(client, _csv(register), col0="building", col1="room")
    preview_url = upload(client, _csv(register)).headers["Location"]
    assert "新增 <b>1</b> 户" in client.get(preview_url).get_data(as_text=True)
    stored = _db.session.scalar(select(ColumnMapping))
    stored.mapping = '{"0": null, "1": "room"}'  # a colleague maps the same header another way meanwhile
    _db.session.commit()
    confirmed = _post(client, preview_url.split("?")[0] + "/confirm", preview_url)
    assert confirmed.status_code == 302
    imported = _db.session.scalars(select(Household.label).join(Building).where(
        Building.community_id == field.community_a.id, Household.room == "701")).all()
    assert imported == ["1栋701"]  # 门栋 read as 楼栋, as previewed, not ignored as remembered since


def test_an_upload_is_the_uploaders_alone_and_cancelling_deletes_it(client, app, field):
    sign_in(client, "head_a")
    register = community_register(["楼栋", "户号"], [["1栋", "901"]])
    preview_url = upload(client, _csv(register)).headers["Location"]
    assert len(_staged_files(app)) == 2  # the file and its note
    admin = app.test_client()
    sign_in(admin, "street_admin")  # an admin above, but not the uploader
    assert admin.get(preview_url).status_code == 404
    assert admin.get(preview_url.split("?")[0] + "/map").status_code == 404
    assert client.get("/dashboard/import/not-a-token").status_code == 404
    cancelled = _post(client, preview_url.split("?")[0] + "/cancel", preview_url)
    assert cancelled.status_code == 302 and _staged_files(app) == []
    assert client.get(preview_url).status_code == 404


def test_the_template_has_the_header_two_fictional_rows_a_状态_drop_down_and_coordinates(client, field):
    sign_in(client, "head_a")
    page = client.get("/dashboard/import").get_data(as_text=True)
    assert "/dashboard/import/template.xlsx" in page
    response = client.get("/dashboard/import/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:2] == ["网格", "小区"] and "经度" in rows[0] and "纬度" in rows[0]
    assert [r[rows[0].index("户主")] for r in rows[1:]] == ["张三", "李四"]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"入住,空置,未知"'
    assert str(validation.sqref).startswith(chr(ord("A") + rows[0].index("状态")) + "2")


def test_the_template_as_downloaded_imports_into_a_community_and_its_preview_masks_names_and_phones(client, field):
    sign_in(client, "head_a")
    data = client.get("/dashboard/import/template.xlsx").data
    workbook = load_workbook(io.BytesIO(data))
    for row in workbook.worksheets[0].iter_rows(min_row=2):
        row[0].value = "第一网格"
    out = io.BytesIO()
    workbook.save(out)
    preview_url = upload(client, out.getvalue(), name="模板.xlsx").headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "新增 <b>2</b> 户" in html and "阳光小区3栋" in html
    assert "023-****0000" in html and "023-79220000" not in html and "张*" in html  # masked as on every page
    _post(client, preview_url.split("?")[0] + "/confirm", preview_url)
    building = _db.session.scalar(select(Building).where(Building.name == "阳光小区3栋"))
    assert (building.lng, building.lat) == (106.551556, 29.563009)


def test_an_upload_left_unconfirmed_is_deleted_after_an_hour(client, app, field):
    sign_in(client, "head_a")
    preview_url = upload(client, _csv(community_register(["楼栋", "户号"], [["1栋", "901"]]))).headers["Location"]
    assert sweep_staged() == 0 and len(_staged_files(app)) == 2
    hour_ago = time.time() - MAX_AGE_SECONDS - 1
    for name in _staged_files(app):
        os.utime(Path(app.config["UPLOAD_DIR"]) / "imports" / name, (hour_ago, hour_ago))
    assert app.test_cli_runner().invoke(args=["sweep-files"]).output.endswith("过期的待导入台账 1 个，过期的导出文件 0 个\n")
    assert _staged_files(app) == [] and client.get(preview_url).status_code == 404
