"""One rule for every route: only the public pages answer without a login."""
import pytest

from tests.routes import guarded_routes, refused_as_a_stranger


@pytest.mark.parametrize("method, path", guarded_routes())
def test_every_non_public_route_refuses_an_anonymous_caller(client, app, method, path):
    app.config["WTF_CSRF_ENABLED"] = False  # the login check must answer, not the CSRF check
    response = client.open(path, method=method)
    assert refused_as_a_stranger(response, path), (response.status_code, response.headers.get("Location"))


def test_the_list_of_guarded_routes_is_not_empty():
    assert len(guarded_routes()) >= 2
