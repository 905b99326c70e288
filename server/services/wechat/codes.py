"""A household's 小程序码 (mini-program code), fetched from WeChat once and kept on disk."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from models import Household
from server.services.files.atomic import write_atomically
from server.services.files.image_types import IMAGE_TYPES, PNG, by_mime
from server.services.wechat.client import WeChatClient

#: What WeChat accepts as ``scene``: at most 32 visible characters of this set.
SCENE_PATTERN = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}")


def miniprogram_code(household: Household, client: WeChatClient, cache_dir: str | Path, page: str,
                     env_version: str = "release") -> tuple[bytes, str]:
    """The 小程序码 that opens ``page`` with the household's door token as ``scene``.

    Cached by AppID, page, version and token: a rotated token gets a new code,
    and no code is fetched twice.

    Raises:
        ValueError: a token WeChat would refuse as a scene (never for tokens we make).
        wechat.WeChatError, wechat.WeChatUnavailable: WeChat refused or failed.
    """
    scene = household.token
    if not SCENE_PATTERN.fullmatch(scene):
        raise ValueError(f"token {scene!r} is not a valid WeChat scene")
    key = hashlib.sha256(f"{client.appid}|{env_version}|{page}|{scene}".encode()).hexdigest()
    folder = Path(cache_dir) / "wxacode"
    for kind in IMAGE_TYPES:
        cached = folder / f"{key}{kind.extension}"
        if cached.is_file():
            return cached.read_bytes(), kind.mime
    data, content_type = client.unlimited_wxacode(scene, page, env_version)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}{(by_mime(content_type) or PNG).extension}"
    write_atomically(target, data)  # a concurrent reader never sees half an image
    return data, content_type
