"""What the benchmarks share: fresh databases, a seeded city, gunicorn under the production config, wrk."""
from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
POSTGRES_ADMIN = os.environ.get("QIAOMEN_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-secret-" + "x" * 40
DATA_KEY = "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="


@contextmanager
def fresh_database(backend: str, workdir: Path, admin: str = POSTGRES_ADMIN):
    """A new, empty database URL for one run, removed afterwards; PostgreSQL's is made through ``admin``."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir}/bench-{uuid.uuid4().hex[:6]}.db"
        return
    import psycopg

    name = f"qiaomen_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_for(url: str, workdir: Path):
    from server.app import create_app

    return create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(workdir / "uploads"),
                       "SECRET_KEY": SECRET, "DATA_ENCRYPTION_KEY": DATA_KEY, "RATELIMIT_ENABLED": False})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(url: str, workdir: Path) -> dict:
    """The environment of the app in production on ``url``: for gunicorn, and for ``flask`` commands beside it."""
    return {**os.environ, "QIAOMEN_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": SECRET,
            "DATA_ENCRYPTION_KEY": DATA_KEY, "UPLOAD_DIR": str(workdir / "uploads"), "RATELIMIT_ENABLED": "0"}


@contextmanager
def gunicorn(url: str, workdir: Path, workers: int = 2, worker_class: str = "gthread", threads: int = 8):
    """The app under gunicorn with the production configuration, on loopback; its log in ``workdir/gunicorn.log``."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--worker-class", worker_class, "--log-level", "warning"]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command + ["wsgi:app"], cwd=ROOT, env=production_env(url, workdir),
                              stdout=subprocess.DEVNULL, stderr=open(workdir / "gunicorn.log", "ab"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/api/mp/v1/ping", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])  # the field after the state
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if ppid == pid:
            found.append(int(stat.parent.name))
    return found


def gunicorn_workers() -> list[int]:
    """The pids of the workers of every gunicorn this process started (Linux: read from /proc)."""
    masters = []
    for pid in _children(os.getpid()):
        try:
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                masters.append(pid)
        except OSError:
            continue
    return sorted(worker for master in masters for worker in _children(master))


WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
                 + summary.errors.timeout
  io.write(string.format('JSON {"requests": %d, "seconds": %f, "errors": %d, "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6, errors, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk(url: str, seconds: int = 10, connections: int = 32, headers: dict | None = None, script: str = "",
        workdir: Path | None = None) -> dict:
    """Run wrk against ``url``; requests/s and latency percentiles in milliseconds."""
    path = (workdir or Path("/tmp")) / f"wrk-{uuid.uuid4().hex[:6]}.lua"
    path.write_text(script + WRK_REPORT)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(path)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    line = next(l for l in output.splitlines() if l.startswith("JSON "))
    result = json.loads(line[5:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
