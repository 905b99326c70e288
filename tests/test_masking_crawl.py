"""Every page, API answer and export shows personal data only as ``models.personal`` says, whoever asks: every
GET route is crawled with a distinctive value seeded in every classified field, as each kind of caller. No full
mobile number is ever shown; only the logged unmask action (a POST) shows one."""
import re

import pytest

from models.personal import PERSONAL, Shown
from server.services.privacy.masking import mask_name, mask_phone
from tests.crawl import CALLERS, become, crawl, readable, seed

# A number standing on its own: not a run of digits inside a hex hash, a UUID or a token, which pages show too.
MOBILE = re.compile(rb"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
STAFF_CALLERS = ("worker_a1", "head_a", "street_admin")
#: Callers who see every page of the door: each masked field is shown to them, masked, somewhere.
OVERSEERS = ("head_a", "street_admin")


def _masked(field: str, value: str) -> str:
    return mask_phone(value) if "phone" in field else mask_name(value)


def _crawled(client, app, field, caller):
    seeded = seed(client, app, field)
    headers = become(client, app, field, caller)
    bodies = {rule: (response.status_code, readable(response), response.request.full_path)
              for rule, response in crawl(client, seeded.values, field, headers)}
    return seeded, bodies


@pytest.mark.parametrize("caller", CALLERS)
def test_no_get_route_shows_a_full_mobile_number_to_anyone(client, app, field, caller):
    _, bodies = _crawled(client, app, field, caller)
    for rule, (_, body, _) in bodies.items():
        assert not MOBILE.search(body), f"{caller} sees a full mobile number at {rule}: {MOBILE.search(body)}"
    crawled = sum(status == 200 for status, _, _ in bodies.values())
    assert crawled >= {"anonymous": 8, "resident": 8, "worker_a1": 15, "head_a": 25, "street_admin": 25}[caller]


def test_the_seed_gives_every_classified_field_a_value_of_its_own(client, app, field):
    seeded = seed(client, app, field)
    assert set(seeded.personal) == set(PERSONAL), "seed every field of models.personal, so that the crawl checks it"
    assert all(seeded.personal.values()) and all(all(values) for values in seeded.personal.values())


@pytest.mark.parametrize("caller", CALLERS)
def test_every_personal_field_is_shown_to_each_caller_only_as_the_classification_says(client, app, field, caller):
    seeded, bodies = _crawled(client, app, field, caller)
    everything = b"\n".join(body for _, body, _ in bodies.values())
    for name, values in seeded.personal.items():
        shown = PERSONAL[name].shown
        for value in values:
            # A value the caller put in the address (a file id asked for, echoed by the login redirect) is not shown.
            found = [rule for rule, (_, body, asked) in bodies.items() if value.encode() in body and value not in asked]
            if shown is Shown.MASKED or shown is Shown.NEVER or caller not in STAFF_CALLERS:
                assert found == [], f"{name} ({shown.name}) shown in full to {caller} at {found}"
            if shown is Shown.MASKED and caller in OVERSEERS:
                assert _masked(name, value).encode() in everything, f"{name} is never shown to {caller}, masked"
            if shown is Shown.STAFF and caller in OVERSEERS:
                assert found, f"{name} ({shown.name}) is on no page {caller} reads: the crawl misses its page"


def test_the_visit_answer_echoes_the_signer_masked(client, app, field):
    seeded = seed(client, app, field)
    assert "上官三乙".encode() not in seeded.visit_answer
    assert mask_name("上官三乙").encode() in seeded.visit_answer
