"""A signature drawn on a phone and sent as a PNG data URL: decoded, checked, never blank."""
from __future__ import annotations

import base64
import binascii
import io
import re

from PIL import Image

from server.services.files.image_types import PNG

MAX_BYTES = 1024 * 1024
MAX_SIDE = 4000
MIN_INK_PIXELS = 40  # fewer dark pixels than a short stroke: an empty or all-but-empty canvas
_DATA_URL = re.compile(rf"data:{re.escape(PNG.mime)};base64,([A-Za-z0-9+/=\s]+)")


class SignatureRejected(ValueError):
    """The signature cannot be accepted; the message says why, in Chinese."""


def decode_signature(data_url: str) -> bytes:
    """The PNG bytes of a signature data URL, after checking it is a real, sane, non-blank PNG.

    Raises:
        SignatureRejected: not a PNG data URL, too large, broken, of absurd size, or blank.
    """
    match = _DATA_URL.fullmatch((data_url or "").strip())
    if not match:
        raise SignatureRejected("请先在签名框内签名")
    if len(match.group(1)) > MAX_BYTES * 4 // 3 + 4:
        raise SignatureRejected("签名图片太大")
    try:
        data = base64.b64decode(match.group(1), validate=False)
    except (binascii.Error, ValueError) as exc:
        raise SignatureRejected("签名数据已损坏，请重新签名") from exc
    if not PNG.starts(data):
        raise SignatureRejected("签名必须是 PNG 图片")
    try:
        image = Image.open(io.BytesIO(data))
        if image.format != PNG.format:
            raise SignatureRejected("签名必须是 PNG 图片")
        width, height = image.size
        if not (50 <= width <= MAX_SIDE and 20 <= height <= MAX_SIDE):
            raise SignatureRejected("签名图片尺寸不对")
        image.load()
    except SignatureRejected:
        raise
    except Exception as exc:
        raise SignatureRejected("签名数据已损坏，请重新签名") from exc
    if _ink(image) < MIN_INK_PIXELS:
        raise SignatureRejected("签名是空白的，请在签名框内写下您的名字")
    return data


def _ink(image: Image.Image) -> int:
    """Dark pixels on white: a transparent canvas is laid on white first."""
    canvas = Image.new("RGBA", image.size, (255, 255, 255, 255))
    canvas.alpha_composite(image.convert("RGBA"))
    gray = canvas.convert("L")
    return sum(gray.histogram()[:128])
