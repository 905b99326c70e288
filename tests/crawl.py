"""Every GET route the app serves, requested with seeded data by each kind of caller.

The masking crawl (what each caller may read) and the header checks (what each answer tells the browser)
walk the same pages. The seed gives every personal field of ``models.personal`` a value of its own, so that a
test can look for exactly that value in every answer.
"""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import dataclass

import pytest

from models import CheckReason, SpotCheck, utcnow
from server.extensions import db
from server.services.access.accounts import InvalidCredentials, authenticate, issue_invite_code
from server.services.access.audit import record
from server.services.jobs import start_job
from tests.field import bearer, upload, visit_payload
from tests.resident import leave, sign
from tests.routes import url_map
from tests.staff import invite_sign_in, sign_in

API = "/api/mp/v1"
CALLERS = ("anonymous", "resident", "worker_a1", "head_a", "street_admin")


def get_rules() -> list[str]:
    """Every GET route but the static files (whose caching and content are the same for everyone)."""
    return sorted(r.rule for r in url_map().iter_rules() if "GET" in r.methods
                  and not r.rule.startswith(("/static/", "/assets/")))


@dataclass
class Seeded:
    values: dict  # what the routes' <arguments> are filled with
    personal: dict  # field of models.personal -> the distinctive values seeded in it
    visit_answer: bytes  # the worker's POST /visits answer, which echoes the pledge


def seed(client, app, field) -> Seeded:
    """One door with everything a door can hold, every personal field with a value no other data has.

    The door's head has a name and a phone; a worker (with a WeChat openid) records a visit with photo, GPS, note,
    a signed pledge and feedback; the resident signs and leaves feedback with a phone from this client's browser;
    a head's read is audited from an address of its own, and a wrong password from another leaves a login lock.
    """
    household = field.households_a1[0]
    worker = field.users["worker_a1"]
    household.head_name, household.head_phone = "诸葛三甲", "13611113333"
    worker.wechat_openid = "oQmSeededOpenid7f3a9c2e1b"
    worker.phone = "13522224444"
    db.session.commit()
    headers = bearer(app, worker)
    photo, signature = upload(client, headers, "photo"), upload(client, headers, "signature")
    answer = client.post(f"{API}/visits", headers=headers, json=visit_payload(
        field.campaign, household, materials=[{"code": "notice", "quantity": 1}], photo_file_id=photo,
        location={"lat": 29.5316713, "lng": 108.7712947, "accuracy_m": 41.375}, note="门铃坏了请敲门甲乙",
        pledge={"signer_name": "上官三乙", "relation": "householder", "signature_file_id": signature},
        feedback={"category": "drop_off", "text": "请回电 13700001111 楼下缺个桶甲乙"}))
    assert answer.status_code == 201, answer.get_json()
    receipt = sign(client, household.token, signer_name="慕容三丙")
    code = re.search(rb"/pledges/([A-Za-z0-9]+)", receipt.data).group(1).decode()
    assert leave(client, household.token, phone="13911112222", text="楼道里的桶太少丙丁").status_code == 303
    record(field.users["head_a"], "view_household", "household", household.id, ip="198.51.100.23")
    with pytest.raises(InvalidCredentials):  # a wrong password from an address of its own leaves a login lock
        authenticate("head_b", "not-her-password", "203.0.113.45")
    check = SpotCheck(visit_id=answer.get_json()["visit"]["id"], reason=CheckReason.SAMPLE,
                      checker_id=field.users["head_a"].id, checked_at=utcnow(), client_id="seeded-check-0001",
                      visited=True, agrees=True, lat=30.1234567, lng=121.7654321, note="复核备注丁戊",
                      photo_file_id=upload(client, bearer(app, field.users["head_a"]), "photo"))
    db.session.add(check)
    job = start_job(field.users["head_a"], "export_ledger", field.community_a, field.campaign)  # its 台账, made
    db.session.commit()  # and the job runs (memory://), so that its page and file are crawled too
    personal = {
        "spot_check.lat": ["30.12345"],
        "spot_check.lng": ["121.76543"],
        "spot_check.photo_file_id": [check.photo_file_id],
        "spot_check.note": ["复核备注丁戊"],
        "household.head_name": ["诸葛三甲"],
        "household.head_phone": ["13611113333"],
        "household.head_phone_index": [household.head_phone_index],
        "visit.lat": ["29.53167"],
        "visit.lng": ["108.77129"],
        "visit.accuracy_m": ["41.375"],
        "visit.photo_file_id": [photo],
        "visit.note": ["门铃坏了请敲门甲乙"],
        "pledge.signer_name": ["上官三乙", "慕容三丙"],
        "pledge.signature_file_id": [signature],
        "feedback.text": ["楼下缺个桶甲乙", "楼道里的桶太少丙丁"],
        "feedback.contact_phone": ["13911112222"],
        "user.name": [worker.name],
        "user.phone": ["13522224444"],
        "user.phone_index": [worker.phone_index],
        "user.wechat_openid": [worker.wechat_openid],
        "audit_event.ip": ["198.51.100.23"],
        "login_lock.address": ["203.0.113.45"],
    }
    values = {"household_id": household.id, "building_id": household.building_id, "area_id": field.community_a.id,
              "token": household.token, "scanned": household.token, "code": code, "file_id": photo,
              "name": "MP_verify_x", "campaign_id": field.campaign.id,
              "check_id": check.id, "job_id": job.id}
    return Seeded(values, personal, answer.data)


def become(client, app, field, caller: str) -> dict:
    """Make ``client`` the caller (the seeding browser is the resident's); returns the API headers to send."""
    if caller != "resident":
        client.delete_cookie("session")
    if caller in ("head_a", "street_admin"):
        sign_in(client, caller)
    elif caller == "worker_a1":
        invite_sign_in(client, issue_invite_code(field.users["worker_a1"]))
        return bearer(app, field.users["worker_a1"])
    return {}


def url(rule: str, values: dict, field) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)
    query = {f"{API}/households": f"grid_id={field.grid_a1.id}&campaign_id={field.campaign.id}&state=all",
             f"{API}/ledger": f"campaign_id={field.campaign.id}&area_id={field.community_a.id}",
             "/w/search": "building=1栋"}.get(rule)
    return f"{path}?{query}" if query else path


def crawl(client, values: dict, field, headers: dict):
    """``(rule, response)`` for every GET route, as the client's caller."""
    for rule in get_rules():
        yield rule, client.get(url(rule, values, field), headers=headers)


def readable(response) -> bytes:
    """The text a reader gets from the body: an Excel file's XML unpacked, a PDF's text extracted; images hold none."""
    if response.mimetype.startswith("image/"):
        return b""
    if response.data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    if response.data[:5] == b"%PDF-":
        return subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout
    return response.data
