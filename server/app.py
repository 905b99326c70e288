"""The application factory. It reads as the table of contents of the app."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server.config import load_config, normalize_database_url, provide_instance_secrets, settle_config
from server.security_headers import register_security_headers


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment, with ``config`` overriding any setting.

    Raises:
        server.config.ConfigError: settings that would be unsafe or cannot work,
            e.g. production mode with the default ``SECRET_KEY``.
    """
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    configure(app, config)
    check_installation(app)
    provide_secrets(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_security_headers(app)
    return app


def configure(app: Flask, overrides: dict | None) -> None:
    settings = load_config()
    settings.update(overrides or {})
    settings["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(settings["SQLALCHEMY_DATABASE_URI"])
    settle_config(settings)
    app.config.update(settings)
    app.json.ensure_ascii = False  # Chinese messages stay readable in JSON
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx: take the client address and scheme from X-Forwarded-* headers.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def check_installation(app: Flask) -> None:
    """Fail before the first request when a part the pages need is missing (front-end assets, the label font,
    a writable instance folder), instead of a signature pad that silently does nothing."""
    from server.preflight import check_installation as check

    check(app.config)


def provide_secrets(app: Flask) -> None:
    """Outside production, unset keys are made for this instance (never a public constant), said once in the log."""
    for line in provide_instance_secrets(app.config):
        app.logger.warning(line)


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # A lock wait instead of "database is locked" while another worker writes.
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}


def register_extensions(app: Flask) -> None:
    import models  # noqa: F401  (registers every table on the metadata, for Alembic)
    from server.database.sqlite import tune_sqlite_connections
    from server.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.blueprint_login_views = {"worker": "worker.login"}
    login_manager.login_message = "请先登录"
    login_manager.session_protection = "strong"
    with app.app_context():
        tune_sqlite_connections(db.engine)

    from server.web.auth import client_identifier, load_user

    login_manager.user_loader(load_user)
    # Strong session protection keyed on the real client address, never a client-written X-Forwarded-For.
    login_manager._session_identifier_generator = client_identifier

    from server.services.files.storage import LocalStorage
    from server.services.privacy.crypto import FieldCipher

    # Built once here; reached through ``files.storage()`` and ``privacy.cipher()``.
    app.extensions["qiaomen.storage"] = LocalStorage(app.config["UPLOAD_DIR"])
    app.extensions["qiaomen.cipher"] = FieldCipher.from_config(app.config)

    from server.job_queue import JobQueue

    app.extensions["qiaomen.job_queue"] = JobQueue(app)  # reached through ``job_queue()``; opens its queue on first use

    from server.services.files.uploads import configure_pillow

    configure_pillow()


def register_blueprints(app: Flask) -> None:
    from server.web.assets import bp as assets_bp
    from server.web.auth import bp as auth_bp
    from server.web.checks import bp as checks_bp
    from server.web.dashboard import bp as dashboard_bp
    from server.web.dashboard import register_views as register_dashboard_views
    from server.web.door import bp as door_bp
    from server.web.pages import bp as pages_bp
    from server.web.record_ids import RecordIdConverter
    from server.web.staff import bp as staff_bp
    from server.web.worker import bp as worker_bp

    app.url_map.converters["int"] = RecordIdConverter  # before any route: every <int:…> id is one a record can hold
    app.register_blueprint(pages_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(door_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(worker_bp)
    app.register_blueprint(checks_bp)
    register_dashboard_views()
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(assets_bp)

    import miniprogram_api

    miniprogram_api.register(app)


def register_errorhandlers(app: Flask) -> None:
    from server.errors import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from server.services.privacy.masking import mask_name, mask_phone
    from server.services.wechat.login import dev_login_on
    from server.timefmt import local_time

    app.add_template_filter(local_time)
    app.add_template_filter(mask_name)  # residents' names on pages: as models.personal says, always masked
    app.add_template_filter(mask_phone)  # workers' phones in lists: as models.personal says, always masked
    # Every page says so while anyone may log in to the API with any code.
    app.context_processor(lambda: {"dev_login_on": dev_login_on(app.config)})


def register_commands(app: Flask) -> None:
    from server.cli import commands

    for command in commands():
        app.cli.add_command(command)
