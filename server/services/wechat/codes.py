"""A household's 小程序码 (mini-program code), fetched from WeChat once and kept on disk."""
from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path

from models import Household
from server.services.wechat.client import WeChatClient

#: What WeChat accepts as ``scene``: at most 32 visible characters of this set.
SCENE_PATTERN = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}")
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


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
    for content_type, extension in _EXTENSIONS.items():
        cached = folder / f"{key}{extension}"
        if cached.is_file():
            return cached.read_bytes(), content_type
    data, content_type = client.unlimited_wxacode(scene, page, env_version)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}{_EXTENSIONS.get(content_type, '.png')}"
    partial = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
    partial.write_bytes(data)
    partial.replace(target)  # atomic: a concurrent reader never sees half an image
    return data, content_type
