"""Settings, read from the environment when ``create_app`` runs (never at import).

Every setting has one line in the README's configuration table. ``load_config``
returns a plain dict so that tests can pass overrides to ``create_app(config=...)``.

Nothing unset opens a door: an unset ``QIAOMEN_ENV`` is production, which needs
explicit keys; development must be asked for, and even there no secret is a
public constant (``provide_instance_secrets`` makes random ones for the instance).
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Secrets that were once public (an early default, the README's examples): production refuses them.
PUBLIC_SECRETS = frozenset({"qiaomen-dev-secret-change-me"})

ENVIRONMENTS = ("development", "testing", "production")

#: Files in the instance folder holding the keys made for a development instance.
SECRET_KEY_FILE = "secret_key"
DATA_KEY_FILE = "data_encryption_key"


class ConfigError(RuntimeError):
    """Raised when the settings cannot make a safe, working app; its message is one line, in Chinese."""


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
        raise ConfigError(f"{name} 应为整数，现在是 {raw!r}") from exc


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _flag(env: dict, name: str, default: bool = False) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ConfigError(f"{name} 应为 1 或 0，现在是 {raw!r}")


def normalize_database_url(url: str) -> str:
    """Point PostgreSQL URLs at the psycopg 3 driver, which is what we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(environ: dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if environ is None else environ
    qiaomen_env = env.get("QIAOMEN_ENV") or "production"  # unset is production: development is asked for
    if qiaomen_env not in ENVIRONMENTS:
        raise ConfigError(f"QIAOMEN_ENV 只能是 {'、'.join(ENVIRONMENTS)} 之一，现在是 {qiaomen_env!r}")

    instance_dir = Path(env.get("QIAOMEN_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    default_db = f"sqlite:///{instance_dir / 'qiaomen.db'}"
    return {
        "QIAOMEN_ENV": qiaomen_env,
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": env.get("SECRET_KEY", ""),
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
        "RATELIMIT_ENABLED": _flag(env, "RATELIMIT_ENABLED", True),
        "API_DOCS_ENABLED": _flag(env, "API_DOCS_ENABLED"),
        "RATELIMIT_HEADERS_ENABLED": True,
        **job_settings(env),
        **wechat_settings(env),
        **OPENAPI_SETTINGS,
    }


def settle_config(config: dict) -> None:
    """Make the merged settings final, in place: refuse unsafe ones, and serve the API's spec and docs page in
    production only when ``API_DOCS_ENABLED`` asks.

    Raises:
        ConfigError: as ``check_config`` and ``settle_job_queue``.
    """
    check_config(config)
    settle_job_queue(config)
    # What follows from the run mode is decided from the final mode, after overrides, unless set outright.
    production = config.get("QIAOMEN_ENV") == "production"
    config.setdefault("TESTING", config.get("QIAOMEN_ENV") == "testing")
    config.setdefault("SESSION_COOKIE_SECURE", production)
    config.setdefault("REMEMBER_COOKIE_SECURE", production)
    if production and not config.get("API_DOCS_ENABLED"):
        config["OPENAPI_URL_PREFIX"] = None  # flask-smorest then serves neither the spec nor its page


def check_config(config: dict) -> None:
    """Refuse settings that would be unsafe: production without its own keys, a development switch in production.

    Raises:
        ConfigError: production with a missing, public or short ``SECRET_KEY``, a missing or malformed
            ``DATA_ENCRYPTION_KEY``, or the development WeChat login turned on.
    """
    if config.get("QIAOMEN_ENV") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if not secret or secret in PUBLIC_SECRETS:
        raise ConfigError(
            "生产模式（QIAOMEN_ENV 未设置即为生产）需要 SECRET_KEY：一个只有本机知道的长随机串，用于签署登录会话和令牌。"
            '生成：python -c "import secrets; print(secrets.token_urlsafe(48))"；试用演示请设 QIAOMEN_ENV=development')
    if len(secret) < 32:
        raise ConfigError("SECRET_KEY 太短（too short）：生产模式至少需要 32 个随机字符")
    try:
        from cryptography.fernet import Fernet

        Fernet((config.get("DATA_ENCRYPTION_KEY") or "").encode())
    except ValueError:
        raise ConfigError(
            "生产模式需要 DATA_ENCRYPTION_KEY：加密居民手机号和走访定位的 Fernet 密钥（务必保存好，丢失后数据无法解密）。"
            '生成：python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        ) from None
    if config.get("WECHAT_DEV_LOGIN"):
        raise ConfigError("WECHAT_DEV_LOGIN 是开发用的免验证登录，生产模式不能开启：请删除该设置并配置 WECHAT_APPID")


def provide_instance_secrets(config: dict) -> list[str]:
    """Fill an unset ``SECRET_KEY`` and ``DATA_ENCRYPTION_KEY`` outside production, never with a public constant.

    Development keeps random keys in the instance folder (made once, file mode 0600), so sessions and
    encrypted data survive a restart and every worker of the instance shares them. Testing uses a random
    session key for the process and derives the data key from it. Production is refused earlier by
    ``check_config``. Returns the log lines for keys made just now (said once, when made).

    Raises:
        ConfigError: the instance folder cannot be written, or a key file there is unreadable or empty.
    """
    made = []
    mode = config.get("QIAOMEN_ENV")
    if mode == "production":
        return made
    folder = Path(config["INSTANCE_DIR"])
    if not config.get("SECRET_KEY"):
        if mode == "development":
            config["SECRET_KEY"], created = _instance_secret(folder / SECRET_KEY_FILE,
                                                            lambda: secrets.token_urlsafe(48))
            if created:
                made.append(f"SECRET_KEY 未设置：已生成随机密钥，保存在 {folder / SECRET_KEY_FILE}（仅本实例使用）")
        else:
            config["SECRET_KEY"] = secrets.token_urlsafe(48)
    if not config.get("DATA_ENCRYPTION_KEY"):
        if mode == "development":
            from cryptography.fernet import Fernet

            config["DATA_ENCRYPTION_KEY"], created = _instance_secret(
                folder / DATA_KEY_FILE, lambda: Fernet.generate_key().decode())
            if created:
                made.append(f"DATA_ENCRYPTION_KEY 未设置：已生成随机密钥，保存在 {folder / DATA_KEY_FILE}")
        else:
            digest = hashlib.sha256(b"qiaomen-data-key:" + config["SECRET_KEY"].encode()).digest()
            config["DATA_ENCRYPTION_KEY"] = base64.urlsafe_b64encode(digest).decode()
    return made


def _instance_secret(path: Path, make) -> tuple[str, bool]:
    """The secret kept in ``path``, made first if absent; True when made now. Two workers starting at once
    agree: the file appears whole or not at all (written aside, then linked into place, which fails if present)."""
    created = False
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                os.fchmod(fd, stat.S_IRUSR | stat.S_IWUSR)
                os.write(fd, (make() + "\n").encode())
                os.close(fd)
                os.link(aside, path)
                created = True
            except FileExistsError:
                pass
            finally:
                os.unlink(aside)
        except OSError as exc:
            raise ConfigError(f"无法在实例目录 {path.parent} 保存密钥（{exc.strerror}）：请检查目录权限，"
                              "或设置 SECRET_KEY 和 DATA_ENCRYPTION_KEY") from None
    try:
        value = path.read_text().strip()
    except OSError as exc:
        raise ConfigError(f"无法读取密钥文件 {path}（{exc.strerror}）：请检查权限") from None
    if not value:
        raise ConfigError(f"密钥文件 {path} 是空的：删除它后重启即可重新生成")
    return value, created


#: What ``JOB_QUEUE_URL`` may name: the queue the background jobs wait in (``server/job_queue.py``).
JOB_QUEUE_SCHEMES = ("sqlite", "redis", "rediss", "postgresql", "postgres", "postgresql+psycopg", "memory")


def job_settings(env) -> dict:
    """The background jobs' queue and how long their files are kept (the queue's default: ``settle_job_queue``)."""
    hours = _int(env, "JOB_FILE_HOURS", 24)
    if hours < 1:
        raise ConfigError(f"JOB_FILE_HOURS 应至少为 1 小时，现在是 {hours}")
    return {"JOB_QUEUE_URL": env.get("JOB_QUEUE_URL", ""), "JOB_FILE_HOURS": hours}


def settle_job_queue(config: dict) -> None:
    """Unset, the queue is a SQLite file in the instance folder (``make run`` needs no other service), and in
    testing mode ``memory://`` (each job runs at once, in process); production names Redis or PostgreSQL.

    Raises:
        ConfigError: a URL of a kind the queue cannot use.
    """
    url = config.get("JOB_QUEUE_URL") or ("memory://" if config.get("QIAOMEN_ENV") == "testing" else
                                          f"sqlite:///{Path(config['INSTANCE_DIR']) / 'jobs-queue.db'}")
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in JOB_QUEUE_SCHEMES:
        raise ConfigError(f"JOB_QUEUE_URL 应以 sqlite:///、redis://、postgresql:// 开头（测试可用 memory://），"
                          f"现在是 {url!r}")
    config["JOB_QUEUE_URL"] = url


def wechat_settings(env) -> dict:
    """WeChat's settings; without an AppID the WeChat features are off. The development login is its own switch."""
    timeout = env.get("WECHAT_TIMEOUT", "5")
    try:
        timeout = float(timeout)
    except ValueError as exc:
        raise ConfigError(f"WECHAT_TIMEOUT 应为秒数，现在是 {timeout!r}") from exc
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
        "WECHAT_DEV_LOGIN": _flag(env, "WECHAT_DEV_LOGIN"),
    }
