"""An unset setting never opens a door: no public secret, production unless asked, every development switch
explicit and refused in production, nothing told to strangers, and a broken installation stopped at start."""
import logging
import os
import stat
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from models import Area
from server.app import create_app
from server.config import DATA_KEY_FILE, PROJECT_ROOT, SECRET_KEY_FILE, ConfigError, load_config
from server.extensions import db as _db
from server.services.access.accounts import DEMO_PASSWORD, set_password
from tests.staff import sign_in

FERNET_KEY = "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="
API = "/api/mp/v1"


def development(tmp_path, **more):
    return create_app({"QIAOMEN_ENV": "development", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db",
                       "INSTANCE_DIR": str(tmp_path / "instance"),
                       "UPLOAD_DIR": str(tmp_path / "uploads"), **more})


def production_settings(**more):
    return {"QIAOMEN_ENV": "production", "SECRET_KEY": "s" * 48, "DATA_ENCRYPTION_KEY": FERNET_KEY, **more}


def test_an_unset_run_mode_is_production_and_production_refuses_to_start_without_its_own_keys(tmp_path):
    assert load_config({})["QIAOMEN_ENV"] == "production"
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"QIAOMEN_ENV": load_config({})["QIAOMEN_ENV"],
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db", "SECRET_KEY": ""})


def test_what_follows_from_the_run_mode_follows_the_mode_the_app_is_given_not_the_environments(monkeypatch, tmp_path):
    monkeypatch.delenv("QIAOMEN_ENV", raising=False)
    testing = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert testing.config["TESTING"] is True and testing.config["SESSION_COOKIE_SECURE"] is False
    production = create_app(production_settings(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db"))
    assert production.config["SESSION_COOKIE_SECURE"] is production.config["REMEMBER_COOKIE_SECURE"] is True


def test_development_without_keys_makes_random_ones_once_per_instance_kept_private_and_says_so_once(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    first = development(tmp_path)
    said = [r.getMessage() for r in caplog.records if "SECRET_KEY 未设置" in r.getMessage()]
    caplog.clear()
    second = development(tmp_path)
    assert len(said) == 1 and not [r for r in caplog.records if "未设置" in r.getMessage()]
    for name in (SECRET_KEY_FILE, DATA_KEY_FILE):
        assert stat.S_IMODE(os.stat(tmp_path / "instance" / name).st_mode) == 0o600
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] != ""
    assert first.config["DATA_ENCRYPTION_KEY"] == second.config["DATA_ENCRYPTION_KEY"]
    other = development(tmp_path / "elsewhere")
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]
    assert other.config["DATA_ENCRYPTION_KEY"] != first.config["DATA_ENCRYPTION_KEY"]
    assert first.config["SECRET_KEY"] not in open(PROJECT_ROOT / "README.md", encoding="utf-8").read()


def test_a_data_key_is_never_derived_from_the_session_key_outside_testing(tmp_path):
    app = development(tmp_path, SECRET_KEY="k" * 48)
    cipher = app.extensions["qiaomen.cipher"]
    same_secret = development(tmp_path / "b", SECRET_KEY="k" * 48).extensions["qiaomen.cipher"]
    assert cipher.blind_index("13812345678") != same_secret.blind_index("13812345678")


def test_testing_without_a_secret_gets_a_random_one_and_writes_nothing(tmp_path):
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "INSTANCE_DIR": str(tmp_path), "SECRET_KEY": ""})
    assert len(app.config["SECRET_KEY"]) >= 32 and not (tmp_path / SECRET_KEY_FILE).exists()


def test_the_development_wechat_login_is_off_unless_switched_on(tmp_path):
    app = development(tmp_path)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    refused = app.test_client().post(f"{API}/auth/login", json={"code": "anyone"})
    assert refused.status_code == 503 and refused.get_json()["message"] == "微信登录尚未配置，请联系管理员"
    on = development(tmp_path, WECHAT_DEV_LOGIN=True)
    assert on.test_client().post(f"{API}/auth/login", json={"code": "anyone"}).status_code == 200


def test_production_refuses_the_development_login_switch(tmp_path):
    with pytest.raises(ConfigError, match="WECHAT_DEV_LOGIN"):
        create_app(production_settings(WECHAT_DEV_LOGIN=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db"))


@pytest.mark.parametrize("path", ["/", "/login", "/w/login", "/no-such-page"])
def test_every_page_says_when_the_development_login_is_on(app, client, path):
    app.config["WECHAT_DEV_LOGIN"] = True
    assert 'data-testid="dev-login-banner"' in client.get(path).get_data(as_text=True)
    app.config["WECHAT_DEV_LOGIN"] = False
    assert "dev-login-banner" not in client.get(path).get_data(as_text=True)


def test_the_dashboard_and_door_pages_carry_the_banner_too(app, client, field):
    app.config["WECHAT_DEV_LOGIN"] = True
    door = client.get(f"/q/{field.households_a1[0].token}").get_data(as_text=True)
    sign_in(client, "head_a")
    dashboard = client.get("/dashboard/").get_data(as_text=True)
    assert "开发登录已开启" in door and "开发登录已开启" in dashboard


def test_seed_demo_refuses_to_run_in_production(app, runner):
    app.config["QIAOMEN_ENV"] = "production"
    result = runner.invoke(args=["seed-demo", "--households", "50"])
    assert result.exit_code != 0 and "生产模式下不能生成演示数据" in result.output
    assert _db.session.scalar(select(func.count(Area.id))) == 0


def test_the_demo_password_is_never_accepted_in_production(app, client, field):
    head = field.users["head_a"]
    set_password(head, DEMO_PASSWORD)
    _db.session.commit()
    app.config["QIAOMEN_ENV"] = "production"
    refused = sign_in(client, "head_a", DEMO_PASSWORD)
    assert refused.status_code == 403 and "公开的演示密码" in refused.get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 302, "not signed in"
    app.config["QIAOMEN_ENV"] = "testing"
    assert sign_in(client, "head_a", DEMO_PASSWORD).status_code == 302


def test_set_password_replaces_the_demo_password_and_refuses_it_in_production(app, runner, field):
    app.config["QIAOMEN_ENV"] = "production"
    refused = runner.invoke(args=["set-password", "head_a", "--password", DEMO_PASSWORD])
    assert refused.exit_code != 0 and "公开的演示密码" in refused.output
    made = runner.invoke(args=["set-password", "head_a"])
    assert made.exit_code == 0 and "已为 李书记（head_a）设置新密码" in made.output


@pytest.mark.parametrize("path", ["/", "/healthz"])
def test_anonymous_visitors_learn_nothing_of_the_run_mode_or_database(client, path):
    body = client.get(path).get_data(as_text=True).lower()
    for word in ("sqlite", "postgres", "testing", "development", "production", "开发模式", "测试模式", "生产模式",
                 "数据库"):
        assert word not in body, word


@pytest.mark.parametrize("path", [f"{API}/openapi.json", f"{API}/docs"])
def test_production_serves_the_api_spec_and_docs_only_when_a_setting_turns_them_on(tmp_path, path):
    url = f"sqlite:///{tmp_path}/p.db"
    assert create_app(production_settings(SQLALCHEMY_DATABASE_URI=url)).test_client().get(path).status_code == 404
    on = create_app(production_settings(SQLALCHEMY_DATABASE_URI=url, API_DOCS_ENABLED=True))
    assert on.test_client().get(path).status_code == 200


def test_missing_front_end_assets_stop_the_app_before_the_first_request(tmp_path):
    with pytest.raises(ConfigError, match="npm ci"):
        create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "ASSETS_DIR": str(tmp_path)})


def test_a_missing_label_font_stops_the_app_before_the_first_request(tmp_path):
    with pytest.raises(ConfigError, match="fonts-wqy-zenhei"):
        create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "LABEL_FONT": str(tmp_path / "no-such-font.ttf")})


def test_an_instance_folder_that_cannot_be_used_stops_the_app_before_the_first_request(tmp_path):
    blocked = tmp_path / "instance"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(ConfigError, match="INSTANCE_DIR"):
        create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_DIR": str(blocked)})
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / SECRET_KEY_FILE).mkdir()  # unreadable as a key
    with pytest.raises(ConfigError, match="无法读取密钥文件"):
        development(tmp_path, INSTANCE_DIR=str(tmp_path / "keys"))


def test_production_on_postgresql_needs_no_writable_instance_folder(tmp_path):
    blocked = tmp_path / "instance"
    blocked.write_text("not a folder")
    app = create_app(production_settings(SQLALCHEMY_DATABASE_URI="postgresql://nobody@127.0.0.1:1/none",
                                         INSTANCE_DIR=str(blocked), UPLOAD_DIR=str(tmp_path / "uploads")))
    assert app.config["INSTANCE_DIR"] == str(blocked)


def test_gunicorn_stops_at_once_on_a_wrong_configuration_instead_of_restarting_its_worker(tmp_path):
    environment = {"PATH": os.environ["PATH"], "QIAOMEN_INSTANCE_DIR": str(tmp_path),
                   "DATABASE_URL": f"sqlite:///{tmp_path}/g.db"}
    result = subprocess.run([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0", "wsgi:app"],
                            env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.count("配置错误：") <= 2 and "SECRET_KEY" in result.stderr, "one line per worker, then stop"


@pytest.mark.parametrize("env, says", [
    ({}, "SECRET_KEY"),
    ({"QIAOMEN_ENV": "development", "ASSETS_DIR": "/nonexistent"}, "npm ci"),
    ({"QIAOMEN_ENV": "development", "LABEL_FONT": "/nonexistent.ttf"}, "LABEL_FONT"),
    ({"QIAOMEN_ENV": "development", "LOGIN_MAX_FAILURES": "five"}, "LOGIN_MAX_FAILURES"),
    ({"QIAOMEN_ENV": "development", "SECRET_KEY": "k" * 48, "DATA_ENCRYPTION_KEY": FERNET_KEY,
      "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "DATABASE_URL"),
])
def test_a_cli_command_with_a_wrong_configuration_says_so_in_one_chinese_line(tmp_path, env, says):
    environment = {"PATH": os.environ["PATH"], "QIAOMEN_INSTANCE_DIR": str(tmp_path),
                   "DATABASE_URL": f"sqlite:///{tmp_path}/c.db", **env}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "rebuild-ledger"], env=environment,
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    assert says in lines[0] and any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), lines[0]
