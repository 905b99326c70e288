"""Where a page may send its user after a form: back to a page of this site, never anywhere else.

Every redirect to a target the request names (``?next=`` at login, ``next`` in the feedback forms) goes
through ``safe_next``; a redirect that names its own endpoint with ``url_for`` needs nothing.
"""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None.

    Browsers read ``/\\evil.example`` and ``/<tab>/evil.example`` as ``//evil.example``, another site, so a
    backslash, whitespace or a control character anywhere refuses the target, as do a scheme and a host.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(char == "\\" or char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
