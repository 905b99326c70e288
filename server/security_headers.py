"""Response headers that make every page harder to abuse: no sniffing, no framing, no inline script."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask


def content_security_policy(tile_url: str = "") -> str:
    """Scripts and styles from this site only; images also from the map's tile server; no one may frame us.

    Inline styles stay allowed (the map and charts position their elements with them); inline scripts do not.
    """
    tiles = urlsplit(tile_url.replace("{s}", "a"))
    tile_origin = f" {tiles.scheme}://{tiles.netloc}" if tiles.scheme in ("http", "https") and tiles.netloc else ""
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{tile_origin}",
        "connect-src 'self'",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def register_security_headers(app: Flask) -> None:
    policy = content_security_policy(app.config.get("MAP_TILE_URL", ""))

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
