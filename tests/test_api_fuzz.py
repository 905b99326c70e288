"""The mini-program API holds to its published contract under generated input: no 5xx, every answer as documented.

schemathesis reads `/api/mp/v1/openapi.json` and sends each operation valid and
invalid requests, signed in as a worker of community A's first grid, against a
seeded field on every database of the run. Its checks run too: the status code,
content type, headers and body of every answer match the spec; a request the
schema allows is accepted and one it forbids is refused; an operation that needs
a token refuses a request without one.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from server.app import create_app
from tests.field import bearer, upload


class AppUnderTest:
    """The WSGI app schemathesis calls: the current test's app, on the current test's database."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


# A request the schema allows may still break a rule the schema cannot state: the bytes of an upload must
# be a photo, a visit must fall within its campaign and name a door that exists. Those answer 422 with the
# rule in Chinese; anything else the check expects of valid data (2xx, or 401/403/404/409/429) still holds.
CONFIG = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]}}})

under_test = AppUnderTest()
under_test.app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
schema = schemathesis.openapi.from_wsgi("/api/mp/v1/openapi.json", under_test, config=CONFIG)


@pytest.fixture
def api(app, field):
    under_test.app = app
    return bearer(app, field.users["worker_a1"])


@schema.parametrize()
@settings(max_examples=int(os.environ.get("QIAOMEN_FUZZ_EXAMPLES", 100)), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_answers_generated_requests_as_its_contract_says(case, api):
    case.call_and_validate(headers=api)


# What the fuzzing found, kept as plain examples.

def test_an_id_too_large_for_any_record_is_refused_before_it_reaches_the_database(client, api, field):
    response = client.get(f"/api/mp/v1/households?grid_id={2**63}&campaign_id={field.campaign.id}", headers=api)
    assert response.status_code == 422
    assert "grid_id" in response.get_json()["errors"]


def test_a_query_parameter_the_api_does_not_know_is_refused_not_ignored(client, api):
    response = client.get("/api/mp/v1/campaigns?actve=1", headers=api)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"actve": ["不认识的字段"]}


def test_a_body_that_is_not_json_is_refused_in_the_error_shape(client, api):
    response = client.post("/api/mp/v1/sync", data=b"\x00", headers={**api, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"json": ["不是有效的 JSON"]}


def test_an_upload_names_its_kind_and_its_file_in_one_multipart_body(client, api):
    assert upload(client, api, "photo")
    response = client.post("/api/mp/v1/files", headers=api, data={"kind": "photo"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"file": ["必填"]}
