"""Settings, read from the environment when ``create_app`` runs (never at import).

Every setting has one line in the README's configuration table. ``load_config``
returns a plain dict so that tests can pass overrides to ``create_app(config=...)``.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The placeholder secret used in development and tests; production refuses it.
DEFAULT_SECRET_KEY = "qiaomen-dev-secret-change-me"

ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """Raised when the settings cannot make a safe, working app."""


#: flask-smorest: the mini-program API's OpenAPI spec and its browsable page, with assets served locally.
OPENAPI_SETTINGS = {
    "API_TITLE": "Qiaomen mini-program API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/mp/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/assets/vendor/swagger-ui/",
}


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def normalize_database_url(url: str) -> str:
    """Point PostgreSQL URLs at the psycopg 3 driver, which is what we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(environ: dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if environ is None else environ
    qiaomen_env = env.get("QIAOMEN_ENV", "development")
    if qiaomen_env not in ENVIRONMENTS:
        raise ConfigError(f"QIAOMEN_ENV must be one of {', '.join(ENVIRONMENTS)}, got {qiaomen_env!r}")

    instance_dir = Path(env.get("QIAOMEN_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    default_db = f"sqlite:///{instance_dir / 'qiaomen.db'}"
    production = qiaomen_env == "production"
    return {
        "QIAOMEN_ENV": qiaomen_env,
        "TESTING": qiaomen_env == "testing",
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(env.get("DATABASE_URL", default_db)),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        "UPLOAD_DIR": env.get("UPLOAD_DIR", str(instance_dir / "uploads")),
        "ASSETS_DIR": env.get("ASSETS_DIR", str(PROJECT_ROOT / "node_modules")),
        "LOGIN_MAX_FAILURES": _int(env, "LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCKOUT_MINUTES": _int(env, "LOGIN_LOCKOUT_MINUTES", 15),
        "INVITE_TTL_HOURS": _int(env, "INVITE_TTL_HOURS", 72),
        "RETENTION_DAYS": _int(env, "RETENTION_DAYS", 180),
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": _int(env, "MAX_UPLOAD_MB", 16) * 1024 * 1024,
        "LABEL_FONT": env.get("LABEL_FONT", ""),
        "DATA_ENCRYPTION_KEY": env.get("DATA_ENCRYPTION_KEY", ""),
        "MAP_TILE_URL": env.get("MAP_TILE_URL", ""),
        "MAP_TILE_ATTRIBUTION": env.get("MAP_TILE_ATTRIBUTION", ""),
        "API_TOKEN_TTL_HOURS": _int(env, "API_TOKEN_TTL_HOURS", 24 * 7),
        "MAX_FILE_MB": _int(env, "MAX_FILE_MB", 10),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "qiaomen"),
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") not in ("0", "false", "no"),
        "RATELIMIT_HEADERS_ENABLED": True,
        **wechat_settings(env),
        **OPENAPI_SETTINGS,
    }


def check_config(config: dict) -> None:
    """Refuse settings that would be unsafe in production.

    Raises:
        ConfigError: in production mode with a missing or default ``SECRET_KEY``.
    """
    if config.get("QIAOMEN_ENV") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if not secret or secret == DEFAULT_SECRET_KEY:
        raise ConfigError(
            "QIAOMEN_ENV=production needs SECRET_KEY set to a long random value "
            "(it signs login sessions and CSRF tokens; the built-in default is public). "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    if len(secret) < 32:
        raise ConfigError("SECRET_KEY is too short for production: use at least 32 random characters.")
    key = config.get("DATA_ENCRYPTION_KEY") or ""
    try:
        from cryptography.fernet import Fernet

        Fernet(key.encode())
    except ValueError:
        raise ConfigError(
            "QIAOMEN_ENV=production needs DATA_ENCRYPTION_KEY: the key that encrypts residents' phone numbers "
            "(a Fernet key; keep it safe and stable, data written with it cannot be read without it). "
            'Generate one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        ) from None


def wechat_settings(env) -> dict:
    """WeChat's settings; without an AppID the WeChat features are off (and the dev login is on, outside production)."""
    timeout = env.get("WECHAT_TIMEOUT", "5")
    try:
        timeout = float(timeout)
    except ValueError as exc:
        raise ConfigError(f"WECHAT_TIMEOUT must be a number of seconds, got {timeout!r}") from exc
    return {
        "WECHAT_APPID": env.get("WECHAT_APPID", ""),
        "WECHAT_SECRET": env.get("WECHAT_SECRET", ""),
        "WECHAT_API_BASE": env.get("WECHAT_API_BASE", "https://api.weixin.qq.com").rstrip("/"),
        "WECHAT_TIMEOUT": timeout,
        "WECHAT_MP_PAGE": env.get("WECHAT_MP_PAGE", "pages/door/index"),
        "WECHAT_MP_ENV_VERSION": env.get("WECHAT_MP_ENV_VERSION", "release"),
        "WECHAT_VERIFY_FILE": env.get("WECHAT_VERIFY_FILE", ""),
        "WECHAT_VERIFY_CONTENT": env.get("WECHAT_VERIFY_CONTENT", ""),
        "WECHAT_SEC_CHECK_OPENID": env.get("WECHAT_SEC_CHECK_OPENID", ""),
    }
