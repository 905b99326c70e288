"""Pledges form an append-only chain per campaign: any edit or deletion in the database is caught."""
import hashlib

import pytest
from sqlalchemy import delete, select, text, update

from models import Pledge, StoredFile
from server.extensions import db as _db
from server.services.files.storage import storage as app_storage
from server.services.pledges.chain import verify_chain
from tests.field import bearer, upload, visit_payload
from tests.resident import sign

API = "/api/mp/v1"


@pytest.fixture
def chain(client, app, field):
    """Five pledges, from workers' visits and residents' phones, interleaved."""
    headers = bearer(app, field.users["worker_a1"])
    signature = upload(client, headers, "signature")
    for n, household in enumerate(field.households_a1[:5]):
        if n % 2:
            assert sign(client, household.token, signer_name=f"居民{n}").status_code == 200
        else:
            body = visit_payload(field.campaign, household, pledge={"signer_name": f"户主{n}", "relation": "householder",
                                                                    "signature_file_id": signature})
            assert client.post(f"{API}/visits", json=body, headers=headers).status_code == 201
    return list(_db.session.scalars(select(Pledge).order_by(Pledge.seq)))


def test_each_pledge_links_to_the_one_before_it(chain):
    assert [p.seq for p in chain] == [1, 2, 3, 4, 5]
    assert chain[0].previous_sha256 is None
    for before, after in zip(chain, chain[1:]):
        assert after.previous_sha256 == before.content_sha256
    assert {p.channel.value for p in chain} == {"worker_visit", "resident_phone"}


def test_an_intact_chain_verifies_and_the_cli_says_so(runner, chain, field):
    assert verify_chain(field.campaign).first_break is None
    result = runner.invoke(args=["verify-pledges"])
    assert result.exit_code == 0 and "5 份承诺书，签署链完整" in result.output


def test_editing_a_pledge_in_the_database_is_caught_and_named(runner, client, chain, field):
    victim = chain[2]
    _db.session.execute(update(Pledge).where(Pledge.id == victim.id).values(signer_name="冒名顶替"))
    _db.session.commit()
    result = runner.invoke(args=["verify-pledges", "--campaign", str(field.campaign.id)])
    assert result.exit_code == 1
    assert f"第 3 条（核验码 {victim.code}）" in result.output and "内容与哈希不符" in result.output
    page = client.get(f"/pledges/{victim.code}?format=json").get_json()
    assert page["valid"] is False and page["content_intact"] is False


def test_deleting_a_pledge_from_the_middle_is_caught(runner, client, chain, field):
    _db.session.execute(delete(Pledge).where(Pledge.id == chain[1].id))
    _db.session.commit()
    result = runner.invoke(args=["verify-pledges"])
    assert result.exit_code == 1 and "第 2 条不见了" in result.output
    neighbour = client.get(f"/pledges/{chain[2].code}?format=json").get_json()
    assert neighbour["linked"] is False and neighbour["valid"] is False
    before = client.get(f"/pledges/{chain[0].code}?format=json").get_json()
    assert before["linked"] is False, "the pledge before the gap has lost its successor"


def test_rewriting_a_pledge_and_its_hash_still_breaks_the_next_link(runner, chain, field):
    victim = chain[1]
    _db.session.execute(update(Pledge).where(Pledge.id == victim.id).values(
        signer_name="冒名顶替", content_sha256=hashlib.sha256(b"forged").hexdigest()))
    _db.session.commit()
    report = verify_chain(field.campaign)
    assert report.first_break.seq == 2


def test_a_signature_image_changed_on_disk_is_caught(app, chain, field):
    signature = _db.session.get(StoredFile, chain[1].signature_file_id)
    storage = app_storage()
    path = storage._path(signature.sha256, ".png")
    path.write_bytes(path.read_bytes() + b"tampered")
    report = verify_chain(field.campaign, storage)
    assert report.first_break is not None and "签名图片" in report.first_break.reason


def test_the_verification_page_shows_the_masked_household_time_and_version(client, chain):
    pledge = chain[1]
    page = client.get(f"/pledges/{pledge.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "记录完好" in html and "第 1 版" in html and "北京时间" in html
    assert pledge.household.label not in html and "**" in html
    assert pledge.signer_name not in html
    dashed = client.get(f"/pledges/{pledge.code[:4]}-{pledge.code[4:].lower()}?format=json").get_json()
    assert dashed["valid"] is True and dashed["seq"] == 2
    assert client.get("/pledges/NOPE-NOPE").status_code == 404


def test_the_demo_city_has_an_intact_chain(runner, db):
    assert runner.invoke(args=["seed-demo", "--households", "200", "--activity", "0.5"]).exit_code == 0
    result = runner.invoke(args=["verify-pledges"])
    assert result.exit_code == 0 and "签署链完整" in result.output
    assert _db.session.scalar(text("SELECT count(*) FROM pledge")) > 10
