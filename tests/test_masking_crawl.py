"""No page, API answer or export shows a full mainland mobile number, whoever asks: every GET route is crawled
with seeded data, as each kind of caller. Only the logged unmask action (a POST) shows one."""
import io
import re
import subprocess
import zipfile

import pytest

from server.app import create_app
from server.services.accounts import issue_invite_code
from tests.field import bearer, upload, visit_payload
from tests.resident import leave, sign
from tests.staff import invite_sign_in, sign_in

API = "/api/mp/v1"
# A number standing on its own: not a run of digits inside a hex hash, a UUID or a token, which pages show too.
MOBILE = re.compile(rb"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
CALLERS = ("anonymous", "resident", "worker_a1", "head_a", "street_admin")


def _get_rules() -> list[str]:
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(r.rule for r in app.url_map.iter_rules() if "GET" in r.methods
                  and not r.rule.startswith(("/static/", "/assets/")))


def _seed(client, app, field) -> dict:
    """A household with a phone, a visit with photo, pledge and feedback, and a resident's feedback with a phone."""
    household = field.households_a1[0]
    headers = bearer(app, field.users["worker_a1"])
    photo, signature = upload(client, headers, "photo"), upload(client, headers, "signature")
    assert client.post(f"{API}/visits", headers=headers, json=visit_payload(
        field.campaign, household, materials=[{"code": "notice", "quantity": 1}], photo_file_id=photo,
        location={"lat": 29.53, "lng": 108.77, "accuracy_m": 10},
        pledge={"signer_name": "张三", "relation": "householder", "signature_file_id": signature},
        feedback={"category": "drop_off", "text": "请回电 13700001111"})).status_code == 201
    resident = field.households_a1[1]
    receipt = sign(client, resident.token)
    code = re.search(rb"/pledges/([A-Za-z0-9]+)", receipt.data).group(1).decode()
    assert leave(client, resident.token, phone="13911112222").status_code == 303
    return {"household_id": household.id, "building_id": household.building_id, "area_id": field.community_a.id,
            "token": household.token, "scanned": household.token, "code": code, "file_id": photo,
            "name": "MP_verify_x"}


def _url(rule: str, values: dict, field) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)
    query = {f"{API}/households": f"grid_id={field.grid_a1.id}&campaign_id={field.campaign.id}&state=all",
             f"{API}/ledger": f"campaign_id={field.campaign.id}&area_id={field.community_a.id}"}.get(rule)
    return f"{path}?{query}" if query else path


def _readable(response) -> bytes:
    """The text a reader gets from the body: an Excel file's XML unpacked, a PDF's text extracted; images hold none."""
    if response.mimetype.startswith("image/"):
        return b""
    if response.data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    if response.data[:5] == b"%PDF-":
        return subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout
    return response.data


@pytest.mark.parametrize("caller", CALLERS)
def test_no_get_route_shows_a_full_mobile_number_to_anyone(client, app, field, caller):
    values = _seed(client, app, field)  # signed and left feedback on this browser: the resident's own session
    if caller != "resident":
        client.delete_cookie("session")
    headers = {}
    if caller in ("head_a", "street_admin"):
        sign_in(client, caller)
    elif caller == "worker_a1":
        invite_sign_in(client, issue_invite_code(field.users["worker_a1"]))
        headers = bearer(app, field.users["worker_a1"])
    crawled = 0
    for rule in _get_rules():
        response = client.get(_url(rule, values, field), headers=headers)
        body = _readable(response)
        assert not MOBILE.search(body), f"{caller} sees a full mobile number at {rule}: {MOBILE.search(body)}"
        crawled += response.status_code == 200
    assert crawled >= {"anonymous": 8, "resident": 8, "worker_a1": 15, "head_a": 25, "street_admin": 25}[caller]
