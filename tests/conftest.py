"""Fixtures chained app → db → client, on every database the run is given."""
from __future__ import annotations

import re
import shutil

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from server.app import create_app
from server.extensions import db as _db
from server.extensions import limiter
from server.services.files.storage import LocalStorage
from tests import access_log
from tests.databases import CI, RunDatabase, backends, create_postgres_database, postgres_admin_url

_skipped = []
_access_logs = None


def _is_xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config):
    """Every server the run starts, and the test client, log the requests they serve into one folder.

    Under pytest-xdist (``-n``) the controller makes the folder and checks it at the end; its workers inherit it.
    """
    global _access_logs
    if not _is_xdist_worker(config):
        _access_logs = access_log.start_run()


#: The slow tiers, marked by where the tests live; ``make test-quick`` leaves them out, ``make test`` runs them all.
TIERS_BY_FILE = {
    "browser": ("tests/browser/",),
    "fuzz": ("tests/test_api_fuzz.py", "tests/test_import_fuzz.py", "tests/test_ledger_invariant.py"),
    "concurrency": ("tests/test_api_concurrency.py",),
    "migrations": ("tests/test_migrations.py",),
}
BACKEND_FIXTURES = ("database", "empty_database")


def pytest_collection_modifyitems(config, items):
    """Mark each test with its slow tiers: by its file, and ``postgresql`` when it runs on that backend.

    Under pytest-xdist (``make test`` runs ``-n 2 --dist loadgroup``) the browser tests share one worker, so the
    live demo server and Chromium start once, not on every worker.
    """
    grouped = config.pluginmanager.hasplugin("xdist")
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        for tier, places in TIERS_BY_FILE.items():
            if path.startswith(places):
                item.add_marker(tier)
        params = getattr(item, "callspec", None) and item.callspec.params
        if params and any(params.get(name) == "postgresql" for name in BACKEND_FIXTURES):
            item.add_marker("postgresql")
        if grouped and path.startswith(TIERS_BY_FILE["browser"]):
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """Under CI a skipped test is a missing component: the run fails instead of passing quietly."""
    if _is_xdist_worker(session.config):
        return  # the controller sees every report and judges the run
    if CI and _skipped and session.exitstatus == 0:
        session.exitstatus = 1
        print(f"\nCI: {len(_skipped)} test(s) skipped; under CI=true every suite must run: {_skipped[:5]}")
    leaked = access_log.full_numbers(_access_logs) if _access_logs else []
    if leaked:
        session.exitstatus = 1
        print(f"\nA full mobile number was sent in an address ({len(leaked)} request(s)), so it sits in an access log "
              f"(logs kept in {_access_logs}): {leaked[:5]}")
    elif _access_logs:
        shutil.rmtree(_access_logs, ignore_errors=True)


def pytest_report_header(config):
    pg = postgres_admin_url()
    if pg:
        return f"databases: SQLite and PostgreSQL (per-run databases on {pg})"
    return ("databases: SQLite only; PostgreSQL suite off "
            "(set QIAOMEN_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres, or CI=true)")


@pytest.fixture(scope="session", params=backends())
def database(request, tmp_path_factory):
    """One migrated database per backend for the whole run."""
    if request.param == "sqlite":
        run_db = RunDatabase("sqlite", f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}")
    else:
        run_db = create_postgres_database("suite")
    try:
        app = create_app(_test_config(run_db.url, tmp_path_factory.mktemp("uploads")))
        with app.app_context():
            upgrade()
            _db.engine.dispose()
        yield run_db
    finally:
        if run_db.drop:
            run_db.drop()


def _test_config(url: str, upload_dir) -> dict:
    return {
        "QIAOMEN_ENV": "testing",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(upload_dir),
        "PUBLIC_BASE_URL": "https://qiaomen.example.cn",
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WECHAT_DEV_LOGIN": True,  # the API tests log in without WeChat, as a developer's machine does
    }


_shared_apps: dict = {}


def _shared_app(database, tmp_path_factory):
    """One app per database for the whole run (building one costs more than most tests), with its settings as built."""
    if database.url not in _shared_apps:
        app = create_app(_test_config(database.url, tmp_path_factory.mktemp("uploads")))
        _shared_apps[database.url] = (app, dict(app.config), dict(vars(limiter)))
    return _shared_apps[database.url]


@pytest.fixture
def app(database, tmp_path, tmp_path_factory, request):
    """The app on a clean database. Settings a test changes are put back afterwards; a test that changes the app
    itself (routes, hooks) is marked ``own_app`` and gets an app built for it alone."""
    if request.node.get_closest_marker("own_app"):
        app, settings = create_app(_test_config(database.url, tmp_path / "uploads")), None
    else:
        app, settings, limits = _shared_app(database, tmp_path_factory)
        # The one limiter of the process takes its settings and storage from the app it last set up (a test may
        # have built another app since): it gets this app's back.
        vars(limiter).clear()
        vars(limiter).update(limits)
        app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
        (tmp_path / "uploads").mkdir()
        # The storage is built once by the factory: this test's gets this test's folder.
        app.extensions["qiaomen.storage"] = LocalStorage(app.config["UPLOAD_DIR"])
        cipher = app.extensions["qiaomen.cipher"]
    with app.app_context():
        limiter.reset()  # rate-limit counters live in memory under test: each test starts afresh
        yield app
        _db.session.remove()
        _truncate_all()
        if settings is None:
            _db.engine.dispose()
    if settings is not None:
        app.config.clear()
        app.config.update(settings)
        app.extensions["qiaomen.cipher"] = cipher


def _truncate_all() -> None:
    """Empty every table between tests, sequences restarted.

    On PostgreSQL, as the superuser the suite runs as, a DELETE of every table with triggers and foreign-key checks
    off for that transaction (``session_replication_role = replica``): a hundredth of a TRUNCATE's cost, which
    rewrites every table's files. Elsewhere, the audit log's append-only triggers are lifted for that moment only.
    """
    from models.audit import APPEND_ONLY_TRIGGERS, DROP_APPEND_ONLY_TRIGGERS

    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql" and _is_superuser(conn):
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("; ".join(f'DELETE FROM "{table}"' for table in tables)))
            conn.execute(text("SELECT setval(c.oid::regclass, 1, false) FROM pg_class c JOIN pg_namespace n "
                              "ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = current_schema()"))
            return
        for statement in DROP_APPEND_ONLY_TRIGGERS[conn.dialect.name]:
            conn.execute(text(statement))
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(f'"{t}"' for t in tables))))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
        for statement in APPEND_ONLY_TRIGGERS[conn.dialect.name]:
            conn.execute(text(statement))


_superuser: dict[str, bool] = {}


def _is_superuser(conn) -> bool:
    url = str(conn.engine.url)
    if url not in _superuser:
        _superuser[url] = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    return _superuser[url]


@pytest.fixture
def db(app):
    """The session, bound to a clean, migrated database."""
    return _db


class IsolatedClient(FlaskClient):
    """Each request runs in an app context of its own, as in production.

    The test's own session is committed first (its setup exists before the
    request, as real data would) and its objects are reloaded afterwards. The
    request gets a fresh session and a fresh ``g``, so a view that forgets to
    commit, or state cached in ``g``, cannot pass unnoticed. Each request is
    written to the run's access log (``tests/access_log.py``).
    """

    def open(self, *args, **kwargs):
        _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        for answer in (*response.history, response):
            access_log.log_request(answer.request)  # what a server's access log would hold
        return response


@pytest.fixture
def field(db):
    """Two communities of one street, workers, heads and an admin, and an active campaign."""
    from tests.field import field_on

    return field_on(str(db.engine.url))


@pytest.fixture
def client(app, db):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def csrf_token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)


@pytest.fixture
def login(client):
    """``tests.staff.sign_in`` bound to ``client``: the login form, CSRF token included; returns the response."""
    from tests.staff import sign_in

    def log_in(username: str, password: str, follow_redirects: bool = False):
        return sign_in(client, username, password, follow_redirects=follow_redirects)

    return log_in


@pytest.fixture(scope="session")
def wechat_server():
    """The local stand-in for WeChat's server API, over real HTTP on loopback."""
    import threading

    from scripts.wechat_standin import make_server

    server = make_server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def wechat(app, wechat_server):
    """The app pointed at a freshly reset stand-in; returns the stand-in server."""
    from scripts.wechat_standin import DEFAULT_APPID, DEFAULT_SECRET

    wechat_server.state.reset()
    app.config.update(WECHAT_APPID=DEFAULT_APPID, WECHAT_SECRET=DEFAULT_SECRET, WECHAT_API_BASE=wechat_server.url,
                      WECHAT_TIMEOUT=2.0)
    return wechat_server
