"""Response headers that make every page harder to abuse: no sniffing, no framing, no inline script, nothing
personal kept in a cache, HTTPS remembered, no browser feature a page does not use; and SameSite on every cookie."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

#: The only answers a browser or proxy may keep: the site's own files and the npm packages it serves, which hold
#: nothing personal (and the service worker's script, which says "no-cache" itself). Every other answer may show
#: a resident's data or a signed-in page, whoever asks, so none is stored: ``Cache-Control: no-store``.
CACHEABLE_ENDPOINTS = frozenset({"static", "assets.vendor", "worker.service_worker"})

#: A year; subdomains are left out, since a city's intranet may serve other hosts under the same domain over HTTP.
HSTS = "max-age=31536000"

#: Browser features no page of ours uses: off for us and for any frame.
FEATURES_OFF = ("accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media",
                "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone",
                "midi", "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial",
                "usb", "xr-spatial-tracking")
#: The worker's pages take the door photo and the visit's position: camera and geolocation, for this site only.
WORKER_FEATURES = ("camera", "geolocation")
#: The blueprints of those pages: the worker's, and the checker's re-visit form (复核), which takes its own photo and GPS.
FIELD_BLUEPRINTS = ("worker", "checks")


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


def permissions_policy(allowed: tuple[str, ...] = ()) -> str:
    """``camera=(self), geolocation=(self), microphone=(), …``: the features named allowed to this site, all else off."""
    return ", ".join(f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in FEATURES_OFF)


class SameSiteResponse(Response):
    """A response whose cookies are ``SameSite=Lax`` unless their setter says otherwise.

    Flask's session cookie is configured so; this also covers every other ``set_cookie`` and ``delete_cookie``,
    such as Flask-Login's clearing of its remember cookie, which passes no SameSite of its own.
    """

    def set_cookie(self, key, *args, **kwargs) -> None:
        if len(args) < 8 and kwargs.get("samesite") is None:  # the 8th positional argument would be samesite
            kwargs["samesite"] = "Lax"
        super().set_cookie(key, *args, **kwargs)


def register_security_headers(app: Flask) -> None:
    policy = content_security_policy(app.config.get("MAP_TILE_URL", ""))
    pages, worker_pages = permissions_policy(), permissions_policy(WORKER_FEATURES)
    production = app.config.get("QIAOMEN_ENV") == "production"
    app.response_class = SameSiteResponse

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers["Permissions-Policy"] = worker_pages if request.blueprint in FIELD_BLUEPRINTS else pages
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
        if production and request.is_secure:  # HTTPS seen directly, or from a trusted proxy (TRUSTED_PROXIES)
            response.headers["Strict-Transport-Security"] = HSTS
        return response
