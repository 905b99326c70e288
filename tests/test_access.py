"""One rule for every route: only the public pages answer a caller who is not signed in.

One sweep of every guarded route for each such caller: a stranger; a resident who scanned the code on their door
and signed the pledge there (their door session opens nothing else); and that door code sent as an API token
(it is no token: every API route answers 401). Each request starts from the caller's own cookies, so a route
that would change them cannot weaken the requests after it.
"""
import pytest

from tests.resident import sign
from tests.routes import guarded_routes, refused_as_a_stranger

CALLERS = ("stranger", "resident_who_signed_at_a_door", "door_code_as_api_token")


@pytest.mark.parametrize("caller", CALLERS)
def test_every_non_public_route_refuses_a_caller_who_is_not_signed_in(client, app, field, caller):
    door = field.households_a1[0].token
    headers = {}
    if caller == "resident_who_signed_at_a_door":
        assert sign(client, door).status_code == 200
    if caller == "door_code_as_api_token":
        headers = {"Authorization": f"Bearer {door}"}
    app.config["WTF_CSRF_ENABLED"] = False  # the login check must answer, not the CSRF check
    cookies = dict(client._cookies)
    routes = [p.values for p in guarded_routes()]
    if caller == "door_code_as_api_token":
        routes = [(method, path) for method, path in routes if path.startswith("/api/")]
    answered = []
    for method, path in routes:
        client._cookies.clear()
        client._cookies.update(cookies)
        response = client.open(path, method=method, headers=headers)
        refused = response.status_code == 401 if headers else refused_as_a_stranger(response, path)
        if not refused:
            answered.append((method, path, response.status_code, response.headers.get("Location")))
    assert answered == [], f"{caller} was not refused by {len(answered)} of {len(routes)} routes"


def test_the_list_of_guarded_routes_is_not_empty():
    assert len(guarded_routes()) >= 2
    assert sum(p.values[1].startswith("/api/") for p in guarded_routes()) >= 2
