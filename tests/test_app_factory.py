"""The factory builds the app from the environment, and refuses unsafe production settings."""
import subprocess
import sys

import pytest

from server.app import create_app
from server.config import PROJECT_ROOT, PUBLIC_SECRETS, ConfigError, load_config, normalize_database_url

FERNET_KEY = "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="


def test_settings_are_read_from_the_environment_when_the_factory_runs(monkeypatch, tmp_path):
    monkeypatch.setenv("QIAOMEN_ENV", "testing")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://door.example.cn/")
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "up"))
    app = create_app()
    assert app.config["TESTING"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.db"
    assert app.config["PUBLIC_BASE_URL"] == "https://door.example.cn"
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "up")


def test_the_default_database_is_a_sqlite_file_under_instance():
    config = load_config({})
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("instance/qiaomen.db")


def test_overrides_passed_to_the_factory_win_over_the_environment(tmp_path):
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/y.db",
                      "PUBLIC_BASE_URL": "https://a.example.cn"})
    assert app.config["PUBLIC_BASE_URL"] == "https://a.example.cn"


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgresql_urls_use_the_installed_psycopg_driver(url):
    assert normalize_database_url(url) == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("secret", [None, *PUBLIC_SECRETS, ""])
def test_production_refuses_a_missing_or_public_secret_and_says_why(secret, tmp_path):
    config = {"QIAOMEN_ENV": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
              "SECRET_KEY": load_config({})["SECRET_KEY"] if secret is None else secret}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(config)


def test_production_refuses_to_start_without_a_data_encryption_key_and_says_why(tmp_path):
    with pytest.raises(ConfigError, match="DATA_ENCRYPTION_KEY"):
        create_app({"QIAOMEN_ENV": "production", "SECRET_KEY": "s" * 48,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


def test_production_refuses_a_short_secret(tmp_path):
    with pytest.raises(ConfigError, match="too short"):
        create_app({"QIAOMEN_ENV": "production", "SECRET_KEY": "abc",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


def test_production_with_a_real_secret_starts_with_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("QIAOMEN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", FERNET_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="QIAOMEN_ENV"):
        load_config({"QIAOMEN_ENV": "staging"})


def test_wsgi_exposes_app_for_gunicorn_and_production_without_secret_fails_loudly(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "QIAOMEN_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/w.db"}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    env["SECRET_KEY"] = "k" * 40
    env["DATA_ENCRYPTION_KEY"] = FERNET_KEY
    result = subprocess.run([sys.executable, "-c", "import wsgi; print(type(wsgi.app).__name__)"], env=env,
                            capture_output=True, text=True)
    assert result.stdout.strip() == "Flask", result.stderr


def test_the_factory_registers_the_cli_commands(tmp_path):
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db"})
    assert {"seed-demo", "import-households", "create-user", "db"} <= set(app.cli.list_commands(None))
