"""A resident signs the pledge on their own phone: validated, counted once, receipted, verifiable."""
import pytest
from sqlalchemy import func, select

from models import HouseholdProgress, LedgerArea, Pledge, PledgeChannel, StoredFile
from server.extensions import db as _db
from tests.resident import door_form, drawn_signature, sign


def pledges():
    return _db.session.scalar(select(func.count()).select_from(Pledge))


def test_a_resident_signs_and_gets_a_receipt_and_the_ledger_counts_it_at_once(client, field):
    household = field.households_a1[0]
    response = sign(client, household.token)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "签署成功" in html and "北京时间" in html
    pledge = _db.session.scalar(select(Pledge))
    assert pledge.channel is PledgeChannel.RESIDENT_PHONE and pledge.consent_version
    assert f"{pledge.code[:4]}-{pledge.code[4:]}" in html and f"/pledges/{pledge.code}" in html
    assert _db.session.get(HouseholdProgress, (household.id, field.campaign.id)).pledged
    assert _db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id)).pledged == 1


def test_several_signers_in_one_household_count_it_as_pledged_once(client, field):
    household = field.households_a1[0]
    for name in ("张三", "李四", "王五"):
        assert sign(client, household.token, signer_name=name).status_code == 200
    assert pledges() == 3
    assert _db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id)).pledged == 1


def test_the_same_form_sent_twice_makes_one_pledge_and_the_same_receipt(client, field):
    token = field.households_a1[0].token
    form = {**door_form(client, token), "signer_name": "张三", "relation": "family", "consent": "1",
            "signature": drawn_signature()}
    first = client.post(f"/q/{token}/pledge", data=form).get_data(as_text=True)
    second = client.post(f"/q/{token}/pledge", data=form).get_data(as_text=True)
    assert pledges() == 1
    code = _db.session.scalar(select(Pledge.code))
    assert f"{code[:4]}-{code[4:]}" in first and f"{code[:4]}-{code[4:]}" in second


def test_json_works_too_with_a_201_then_a_200_for_a_replay(client, field):
    token = field.households_a1[1].token
    form = door_form(client, token)
    body = {"form_key": form["form_key"], "signer_name": "张三", "relation": "tenant", "consent": True,
            "signature": drawn_signature()}
    headers = {"X-CSRFToken": form["csrf_token"]}
    first = client.post(f"/q/{token}/pledge", json=body, headers=headers)
    again = client.post(f"/q/{token}/pledge", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["code"] == again.get_json()["code"]
    assert first.get_json()["signed_at"].endswith("+00:00")


@pytest.mark.parametrize("change, field_name, words", [
    ({"signature": drawn_signature(blank=True)}, "signature", "空白"),
    ({"signature": ""}, "signature", "签名"),
    ({"signature": "data:image/png;base64," + "A" * 2_000_000}, "signature", "太大"),
    ({"signature": "data:image/jpeg;base64,/9j/4AAQ"}, "signature", "签名"),
    ({"signature": "data:image/png;base64,aGVsbG8="}, "signature", "PNG"),
    ({"consent": ""}, "consent", "同意"),
    ({"signer_name": "张" * 500}, "signer_name", "32"),
    ({"signer_name": ""}, "signer_name", "填写"),
    ({"signer_name": "<script>alert(1)</script>"}, "signer_name", "网页代码"),
    ({"relation": "neighbour"}, "relation", "关系"),
])
def test_bad_input_gets_a_clear_chinese_message_and_stores_nothing(client, field, change, field_name, words):
    token = field.households_a1[0].token
    form = door_form(client, token)
    body = {"form_key": form["form_key"], "signer_name": "张三", "relation": "householder", "consent": "1",
            "signature": drawn_signature(), **change}
    response = client.post(f"/q/{token}/pledge", json=body, headers={"X-CSRFToken": form["csrf_token"]})
    assert response.status_code == 422
    assert words in response.get_json()["errors"][field_name][0]
    assert pledges() == 0 and _db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    page = sign(client, token, **change)
    assert page.status_code == 422 and words in page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)


def test_a_dead_token_cannot_sign(client, field):
    token = field.households_a1[0].token
    form = door_form(client, token)
    response = client.post("/q/AAAAAAAAAAAAAAAA/pledge", data={**form, "signer_name": "张三", "relation": "family",
                                                              "consent": "1", "signature": drawn_signature()})
    assert response.status_code == 404 and "该二维码已失效" in response.get_data(as_text=True)
    assert pledges() == 0


def test_signing_is_rate_limited_per_door(client, field):
    token = field.households_a1[0].token
    statuses = [sign(client, token, signer_name=f"张{n}").status_code for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_risky_names_are_refused_and_review_ones_kept_and_flagged(client, app, wechat, field):
    app.config["WECHAT_SEC_CHECK_OPENID"] = "o-moderator"
    token = field.households_a1[0].token
    refused = sign(client, token, signer_name="违禁")
    assert refused.status_code == 422 and "不合适" in refused.get_data(as_text=True)
    assert sign(client, token, signer_name="待审").status_code == 200
    assert _db.session.scalar(select(Pledge.needs_review)) is True


def test_a_pledge_text_edited_while_the_resident_read_it_is_not_signed_until_the_new_one_is_read(client, field):
    from server.services.canvassing.campaigns import publish_pledge_text

    token = field.households_a1[0].token
    form = {**door_form(client, token), "signer_name": "张三", "relation": "family", "consent": "1",
            "signature": drawn_signature()}
    assert form["pledge_text_version"] == "1"
    publish_pledge_text(field.campaign, "生活垃圾分类承诺书", "本户承诺：分类投放，按时投放。")
    refused = client.post(f"/q/{token}/pledge", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "承诺书已更新为第 2 版，请阅读新版后再签名" in html and "第 2 版" in html
    assert pledges() == 0
    again = {**door_form(client, token), "signer_name": "张三", "relation": "family", "consent": "1",
             "signature": drawn_signature()}
    assert client.post(f"/q/{token}/pledge", data=again).status_code == 200
    assert _db.session.scalar(select(Pledge)).text.version == 2
