"""A resident's only key is the code on their own door: it opens that door's page and nothing else.

That the door session and the door code open no guarded route is swept in ``tests/test_access.py``."""

from models import Feedback, Pledge, StoredFile
from server.extensions import db
from tests.resident import door_form, drawn_signature, leave, sign


def test_a_door_code_shows_its_own_door_and_no_other(client, field):
    mine, theirs = field.households_a1[0], field.households_b1[0]
    page = client.get(f"/q/{mine.token}").get_data(as_text=True)
    assert mine.building.community.name in page
    assert theirs.building.community.name not in page


def test_what_a_resident_signs_or_says_at_a_door_is_recorded_for_that_door_alone(client, field):
    mine, theirs = field.households_a1[0], field.households_b1[0]
    sign(client, mine.token, household_id=str(theirs.id))
    leave(client, mine.token, household_id=str(theirs.id))
    assert [p.household_id for p in db.session.scalars(db.select(Pledge))] == [mine.id]
    assert [f.household_id for f in db.session.scalars(db.select(Feedback))] == [mine.id]


def test_a_dead_door_code_opens_nothing_even_with_a_valid_form_from_another_door(client, field):
    dead = "AAAAAAAAAAAAAAAA"
    assert client.get(f"/q/{dead}").status_code == 404
    form = {**door_form(client, field.households_a1[0].token), "signer_name": "张三", "relation": "householder",
            "consent": "1", "signature": drawn_signature()}
    assert client.post(f"/q/{dead}/pledge", data=form).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Pledge)) == 0


def test_a_resubmit_key_used_at_one_door_never_attaches_a_pledge_or_text_to_another(client, field):
    mine, theirs = field.households_a1[0], field.households_b1[0]
    key = door_form(client, mine.token)["form_key"]
    assert sign(client, mine.token, form_key=key).status_code == 200
    assert leave(client, mine.token, form_key=key).status_code == 303
    code = db.session.scalar(db.select(Pledge.code))
    carried = sign(client, theirs.token, form_key=key, signer_name="李四")
    said = leave(client, theirs.token, form_key=key, text="别人的意见")
    for answer in (carried, said):
        assert answer.status_code == 409 and "另一户" in answer.get_data(as_text=True)
        assert code[:4] not in answer.get_data(as_text=True), "nor does it show what the key made at the first door"
    form = door_form(client, theirs.token)
    as_json = client.post(f"/q/{theirs.token}/pledge", headers={"X-CSRFToken": form["csrf_token"]},
                          json={"form_key": key, "signer_name": "李四", "relation": "tenant", "consent": True,
                                "signature": drawn_signature()})
    assert as_json.status_code == 409 and as_json.get_json()["code"] == 409 and "另一户" in as_json.get_json()["message"]
    assert [p.household_id for p in db.session.scalars(db.select(Pledge))] == [mine.id]
    assert [(f.household_id, f.text) for f in db.session.scalars(db.select(Feedback))] == [
        (mine.id, "希望增加一个厨余垃圾投放点")]
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 1, "one signature, door A's"
