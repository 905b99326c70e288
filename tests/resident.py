"""Helpers for the resident's side: a drawn signature as a data URL, and the door form's CSRF token."""
from __future__ import annotations

import base64
import io
import re

from PIL import Image, ImageDraw

from tests.conftest import csrf_token_of


def drawn_signature(width=600, height=200, blank=False) -> str:
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if not blank:
        ImageDraw.Draw(image).line([(40, 150), (160, 40), (260, 160), (380, 50), (560, 140)], fill=(0, 0, 0, 255),
                                   width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def door_form(client, token) -> dict:
    """What the door page's pledge form carries besides what the resident types."""
    html = client.get(f"/q/{token}").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([0-9a-f]+)"', html).group(1)
    version = re.search(r'name="pledge_text_version" value="(\d+)"', html).group(1)
    return {"csrf_token": csrf_token_of(html), "form_key": key, "pledge_text_version": version}


def sign(client, token, **fields):
    form = {**door_form(client, token), "signer_name": "张三", "relation": "householder", "consent": "1",
            "signature": drawn_signature(), **fields}
    return client.post(f"/q/{token}/pledge", data=form)


def feedback_form(client, token) -> dict:
    html = client.get(f"/q/{token}").get_data(as_text=True)
    keys = re.findall(r'name="form_key" value="([0-9a-f]+)"', html)
    return {"csrf_token": csrf_token_of(html), "form_key": keys[-1]}


def leave(client, token, **fields):
    data = {**feedback_form(client, token), "category": "drop_off", "text": "希望增加一个厨余垃圾投放点",
            "phone": "", **fields}
    return client.post(f"/q/{token}/feedback", data=data)
