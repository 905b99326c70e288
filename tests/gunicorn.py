"""The app served by gunicorn in a process of its own, as in production, for tests that need real workers."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import requests

from server.config import PROJECT_ROOT


@contextmanager
def gunicorn(env: dict, workers: int = 1, probe: str = "/healthz"):
    """Serve ``wsgi:app`` under ``env`` (added to this process's environment) and yield its base URL once
    ``probe`` answers; the server is stopped afterwards, however slowly a loaded machine lets it go."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                               f"127.0.0.1:{port}", "wsgi:app"], cwd=PROJECT_ROOT, env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}{probe}", timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not come up") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=60)
