"""Signing staff in through the real login form."""
from tests.conftest import csrf_token_of

PASSWORD = "correct-horse-9"


def sign_in(client, username, password=PASSWORD):
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})
