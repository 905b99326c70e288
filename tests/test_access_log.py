"""No full mobile number is ever sent in an address: every server the suite runs logs what it serves, and the run
fails when a log holds one (``pytest_sessionfinish`` in tests/conftest.py)."""
import os
import threading
import uuid

import requests
from werkzeug.serving import make_server

from tests.access_log import ENV, AccessLogHandler, full_numbers
from tests.gunicorn import gunicorn


def test_the_end_of_run_check_finds_a_full_mobile_number_however_the_address_writes_it(tmp_path):
    leaks = ['127.0.0.1 "GET /w/search?phone=13812345678 HTTP/1.1" 200 "-"',
             '127.0.0.1 "GET /w/search?phone=%2B8613912345678 HTTP/1.1" 200 "-"',
             '127.0.0.1 "GET /w/search?phone=137+1234+5678 HTTP/1.1" 200 "-"',
             '127.0.0.1 "GET /w/ HTTP/1.1" 200 "http://127.0.0.1/w/search?phone=139-8765-4321"']
    clean = ['127.0.0.1 "GET /dashboard/files/a13812345678ff HTTP/1.1" 200 "-"',
             '127.0.0.1 "GET /q/Ab13812345678Cd HTTP/1.1" 200 "-"',
             '127.0.0.1 "GET /pledges/c0ffee?at=1712345678901 HTTP/1.1" 404 "-"',
             '127.0.0.1 "POST /w/search HTTP/1.1" 200 "http://127.0.0.1/w/search?building=1"']
    gunicorn = '127.0.0.1 - - [01/Mar/2026:10:11:12 +0800] "GET /me?x=15000001111 HTTP/1.1" 200 2 "-" "curl/8"'
    (tmp_path / "werkzeug.log").write_text("\n".join(leaks + clean) + "\n")
    (tmp_path / "gunicorn.log").write_text(gunicorn + "\n")
    assert full_numbers(tmp_path) == [f"gunicorn.log: {gunicorn}"] + [f"werkzeug.log: {line}" for line in leaks]


def _logged(name: str) -> str:
    path = os.path.join(os.environ[ENV], name)
    return open(path, encoding="utf-8").read() if os.path.exists(path) else ""


def test_the_live_test_server_and_the_test_client_write_every_request_to_the_runs_access_log(app, client):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=AccessLogHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        probe = uuid.uuid4().hex
        requests.get(f"http://127.0.0.1:{server.server_port}/healthz?probe={probe}",
                     headers={"Referer": f"http://127.0.0.1/from/{probe}"}, timeout=10)
    finally:
        server.shutdown()
    line = next(line for line in _logged("werkzeug.log").splitlines() if probe in line)
    assert f"GET /healthz?probe={probe}" in line and f"/from/{probe}" in line
    other = uuid.uuid4().hex
    client.get(f"/healthz?probe={other}", headers={"Referer": "http://127.0.0.1/before"})
    assert f'"GET /healthz?probe={other}" "http://127.0.0.1/before"' in _logged("test-client.log")


def test_gunicorn_run_by_a_test_or_a_script_writes_its_access_log_to_the_runs_folder(tmp_path):
    probe = uuid.uuid4().hex
    env = {"QIAOMEN_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
           "UPLOAD_DIR": str(tmp_path / "uploads"), "QIAOMEN_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "g" * 48}
    with gunicorn(env, probe=f"/healthz?probe={probe}"):
        pass
    assert f"GET /healthz?probe={probe}" in _logged("gunicorn.log")
