"""Signing staff in through the real login forms: heads and admins by password, workers by invite code."""
from tests.conftest import csrf_token_of

PASSWORD = "correct-horse-9"


def sign_in(client, username, password=PASSWORD, follow_redirects=False):
    """A head or admin through the login form, CSRF token included: the one sign-in of the test client."""
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=follow_redirects)


def invite_sign_in(client, code):
    token = csrf_token_of(client.get("/w/login").get_data(as_text=True))
    return client.post("/w/login", data={"invite_code": code, "csrf_token": token})
