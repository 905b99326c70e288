"""The access logs of the suite's servers, and the search for full mobile numbers in them.

A phone number in an address lands in every access log and proxy log on its way, in the browser's history and
in the ``Referer`` of the next page. So every server the suite starts writes what it serves to a file in one
folder made for the run (``QIAOMEN_ACCESS_LOG_DIR``): the live werkzeug servers through ``AccessLogHandler``,
gunicorn (in scripts the tests run) through ``GUNICORN_CMD_ARGS``, and the Flask test client through
``log_request``. When the run ends, ``tests/conftest.py`` reads every line and fails the run on a full number.
"""
from __future__ import annotations

import os
import re
import shlex
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote_plus

from werkzeug.serving import WSGIRequestHandler

ENV = "QIAOMEN_ACCESS_LOG_DIR"
#: A mainland mobile number standing on its own (not digits inside a hash, a UUID or a token), also written in
#: groups or after 86, as it reads once the address is decoded.
MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:86)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?![0-9A-Za-z])")
_lock = threading.Lock()


def start_run() -> Path:
    """A fresh folder for this run's logs, named in the environment so that servers started by scripts find it."""
    folder = Path(tempfile.mkdtemp(prefix="qiaomen-access-logs-"))
    os.environ[ENV] = str(folder)
    os.environ["GUNICORN_CMD_ARGS"] = " ".join(filter(None, (
        os.environ.get("GUNICORN_CMD_ARGS", ""), "--access-logfile", shlex.quote(str(folder / "gunicorn.log")))))
    return folder


def _write(name: str, line: str) -> None:
    folder = os.environ.get(ENV)
    if not folder:
        return
    with _lock, open(Path(folder) / name, "a", encoding="utf-8") as log:
        log.write(line.rstrip("\n") + "\n")


class AccessLogHandler(WSGIRequestHandler):
    """werkzeug's request handler, logging each request line and its Referer to the run's folder."""

    def log_request(self, code="-", size="-") -> None:
        referer = self.headers.get("Referer", "-")
        _write("werkzeug.log", f'{self.address_string()} "{self.requestline}" {code} "{referer}"')


def log_request(request) -> None:
    """One request the Flask test client made (``response.request``), as a server's access log would show it."""
    _write("test-client.log", f'"{request.method} {request.full_path}" "{request.headers.get("Referer", "-")}"')


def full_numbers(folder: Path) -> list[str]:
    """Every line of every log in ``folder`` that holds a full mobile number, prefixed with its file's name."""
    found = []
    for log in sorted(folder.glob("*.log")):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if MOBILE.search(unquote_plus(line)):
                found.append(f"{log.name}: {line}")
    return found
