"""Front-end packages from npm, served by Flask itself: deployments sit on intranets with no CDN."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("assets", __name__, url_prefix="/assets/vendor")

#: Public name → file inside node_modules. Only these are served.
VENDOR_FILES = {
    "weui.min.css": "weui/dist/style/weui.min.css",
    "signature_pad.umd.min.js": "signature_pad/dist/signature_pad.umd.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui-standalone-preset.js": "swagger-ui-dist/swagger-ui-standalone-preset.js",
}


def missing_vendor_files(assets_dir: str) -> list[str]:
    """The vendor files that ``npm ci`` has not put in place."""
    return [name for name, path in VENDOR_FILES.items() if not (Path(assets_dir) / path).is_file()]


@bp.get("/<path:name>")
def vendor(name: str):
    path = VENDOR_FILES.get(name)
    if path is None:
        abort(404)
    return send_from_directory(current_app.config["ASSETS_DIR"], path, max_age=7 * 24 * 3600)
