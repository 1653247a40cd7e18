"""One configuration object, read from a mapping and then the environment.

Embedded mode (the default): SQLite file in the instance folder, jobs run in-process.
Production: SITEROLL_DATABASE_URL (MariaDB via PyMySQL), SITEROLL_REDIS_URL (RQ), real WeChat.
The demo (SITEROLL_DEMO=1, set by `make demo` and the tests) is the only mode that may use the
fake WeChat server, keys generated into the instance folder and `flask seed-demo`: anything
that lets anyone log in as anyone is switched on explicitly, never inferred from the database.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent

ENV_KEYS = {
    # env name -> config key
    "SITEROLL_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SITEROLL_REDIS_URL": "REDIS_URL",
    "SITEROLL_JOBS": "JOBS_MODE",
    "SITEROLL_SECRET_KEY": "SECRET_KEY",
    "SITEROLL_PII_KEYS": "PII_KEYS",
    "SITEROLL_BLIND_INDEX_KEY": "BLIND_INDEX_KEY",
    "SITEROLL_WECHAT_APPID": "WECHAT_APPID",
    "SITEROLL_WECHAT_SECRET": "WECHAT_SECRET",
    "SITEROLL_WECHAT_API_BASE": "WECHAT_API_BASE",
    "SITEROLL_TOKEN_TTL": "TOKEN_TTL_SECONDS",
    "SITEROLL_DB_IDLE_PING_SECONDS": "DB_IDLE_PING_SECONDS",
    "SITEROLL_SHARED_DIR": "SHARED_DIR",
    "DEEPFACE_HOME": "FACE_DEEPFACE_HOME",
    "SITEROLL_FACE_WARM_UP": "FACE_WARM_UP_ON_START",
    "SITEROLL_FACE_THRESHOLD": "FACE_THRESHOLD",
    "SITEROLL_FACE_ANTI_SPOOF": "FACE_ANTI_SPOOF",
    "SITEROLL_FACE_TF_THREADS": "FACE_TF_THREADS",
    "SITEROLL_FACE_CHALLENGE_MIRRORED": "FACE_CHALLENGE_MIRRORED",
    "SITEROLL_FACE_CHALLENGE_TTL_SECONDS": "FACE_CHALLENGE_TTL_SECONDS",
    "SITEROLL_FACE_RETENTION_DAYS": "FACE_EVIDENCE_RETENTION_DAYS",
    "SITEROLL_DEMO": "DEMO",
    "SITEROLL_AUDIT_KEY": "AUDIT_KEY",
    "SITEROLL_AUDIT_CHECKPOINT_PATH": "AUDIT_CHECKPOINT_PATH",
    "SITEROLL_INVITATION_TTL": "INVITATION_TTL_SECONDS",
    "SITEROLL_JSON_MAX_BYTES": "JSON_MAX_BYTES",
    "SITEROLL_RATELIMIT_ENABLED": "RATELIMIT_ENABLED",
    "SITEROLL_RATE_LIMITS": "RATE_LIMITS",
    "SITEROLL_PROXY_FIX_X_FOR": "PROXY_FIX_X_FOR",
    "SITEROLL_EMBEDDED_PERIODIC_JOBS": "EMBEDDED_PERIODIC_JOBS",
    "SITEROLL_CONTRACT_FONT_PATH": "CONTRACT_FONT_PATH",  # a CJK .ttf/.ttc for contract PDFs
    "SITEROLL_CONTRACT_FONT_INDEX": "CONTRACT_FONT_INDEX",  # the face's index in a .ttc
    "SITEROLL_PLATFORM_PUSH_URL": "PLATFORM_PUSH_URL",  # government platform endpoint (unset: outbox waits)
    "SITEROLL_PLATFORM_APPID": "PLATFORM_APPID",
    "SITEROLL_PLATFORM_SECRET": "PLATFORM_SECRET",
    "SITEROLL_PLATFORM_TIMEOUT_SECONDS": "PLATFORM_TIMEOUT_SECONDS",
    "SITEROLL_PLATFORM_PUSH_MAX_ATTEMPTS": "PLATFORM_PUSH_MAX_ATTEMPTS",
    "SITEROLL_PUBLIC_BASE_URL": "PUBLIC_BASE_URL",  # the notice board's QR code points here
    # subscribe-message template of "pay slip ready" and its keywords (services/miniprogram.py)
    "SITEROLL_WECHAT_PAYSLIP_TEMPLATE_ID": "WECHAT_PAYSLIP_TEMPLATE_ID",
    "SITEROLL_WECHAT_PAYSLIP_TEMPLATE_FIELDS": "WECHAT_PAYSLIP_TEMPLATE_FIELDS",
    # web-view business domain (业务域名): the check file WeChat fetches from the domain root
    "SITEROLL_WEBVIEW_VERIFY_FILE": "WEBVIEW_VERIFY_FILE",
    "SITEROLL_WEBVIEW_VERIFY_CONTENT": "WEBVIEW_VERIFY_CONTENT",
    "SITEROLL_MEDIA_LINK_SECONDS": "MEDIA_LINK_SECONDS",  # life of the signed photo/signature links
    # object store for photos, signatures and kept PDFs (services/storage): folder | s3
    "SITEROLL_STORAGE_BACKEND": "STORAGE_BACKEND",
    "SITEROLL_STORAGE_DIR": "STORAGE_DIR",  # folder backend (default: instance/objects)
    "SITEROLL_S3_ENDPOINT": "S3_ENDPOINT",  # e.g. https://oss-cn-shenzhen.aliyuncs.com, a Ceph RGW
    "SITEROLL_S3_BUCKET": "S3_BUCKET",
    "SITEROLL_S3_REGION": "S3_REGION",
    "SITEROLL_S3_ACCESS_KEY": "S3_ACCESS_KEY",
    "SITEROLL_S3_SECRET_KEY": "S3_SECRET_KEY",
    "SITEROLL_S3_PATH_STYLE": "S3_PATH_STYLE",  # 1: http://host/bucket/key (Ceph, MinIO); 0: virtual host
}

SECRET_KEYS = ("SECRET_KEY", "PII_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY")
WECHAT_PUBLIC_API = "https://api.weixin.qq.com/"


class ConfigError(RuntimeError):
    pass


DEFAULTS: dict[str, Any] = {
    "JOBS_MODE": None,  # "inprocess" | "rq"; derived from REDIS_URL when unset
    "REDIS_URL": None,
    # demo (SITEROLL_DEMO=1): a demo app id and "fake" (the bundled fake server on a free loopback port);
    # production: the real API, and the app id / secret must come from the environment
    "WECHAT_APPID": None,
    "WECHAT_SECRET": None,
    "WECHAT_API_BASE": None,
    "WECHAT_TIMEOUT_SECONDS": 5,
    "TOKEN_TTL_SECONDS": 2 * 24 * 3600,
    "IDEMPOTENCY_TTL_SECONDS": 48 * 3600,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # MariaDB: a pooled connection idle this long is pinged before use (models/pool.py)
    "DB_IDLE_PING_SECONDS": 10,
    "SHARED_DIR": str(ROOT.parent / "shared"),
    "FACE_DEEPFACE_HOME": None,
    "FACE_EVIDENCE_RETENTION_DAYS": 90,
    # embedded mode: load the face models on a background thread at start (make demo sets it),
    # so the first selfie is not kept waiting while TensorFlow loads
    "FACE_WARM_UP_ON_START": False,
    "DEMO": False,
    # the audit chain's checkpoints, outside the database (production ships the file elsewhere)
    "AUDIT_CHECKPOINT_PATH": None,
    "INVITATION_TTL_SECONDS": 24 * 3600,
    # JSON bodies are small; photos (multipart) keep MAX_CONTENT_LENGTH
    "JSON_MAX_BYTES": 256 * 1024,
    "RATELIMIT_ENABLED": True,
    "RATE_LIMITS": {},  # name -> [per user, per IP]; merged over DEFAULT_RATE_LIMITS
    # reverse proxies in front of the app that set X-Forwarded-For (per-IP limits need the real IP)
    "PROXY_FIX_X_FOR": 0,
    # embedded mode (no rq cron): run the housekeeping jobs in-process, on start and on schedule
    "EMBEDDED_PERIODIC_JOBS": True,
    "STORAGE_BACKEND": "folder",
    "STORAGE_DIR": None,
    "S3_ENDPOINT": None,
    "S3_BUCKET": None,
    "S3_REGION": "us-east-1",
    "S3_ACCESS_KEY": None,
    "S3_SECRET_KEY": None,
    "S3_PATH_STYLE": True,
    "S3_TIMEOUT_SECONDS": 5,
}

# Per user and per IP. A construction site's phones often share one carrier NAT address, so the
# per-IP figures are much higher than the per-user ones.
DEFAULT_RATE_LIMITS: dict[str, tuple[str, str]] = {
    "login": ("30 per minute", "300 per minute"),
    "join": ("10 per minute;50 per day", "300 per minute"),
    "invitation": ("10 per minute;50 per day", "300 per minute"),
    "pii": ("30 per minute;300 per day", "600 per minute"),
    "face": ("10 per minute;120 per day", "300 per minute"),
}


def new_keys() -> dict[str, str]:
    """A fresh set of the SECRET_KEYS, in the formats production is given them."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PII_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "AUDIT_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def _instance_keys(instance_path: Path) -> dict[str, str]:
    """Keys for the demo, generated once and kept beside the SQLite file."""
    path = instance_path / "siteroll-keys.json"
    fresh = new_keys()
    keys: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    if all(k in keys for k in fresh):
        return keys
    keys = {**fresh, **keys}  # a key added later is generated once; existing keys never change
    instance_path.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(keys, fh)
    os.replace(tmp, path)
    return keys


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    cfg: dict[str, Any] = dict(DEFAULTS)
    for env, key in ENV_KEYS.items():
        if os.environ.get(env):
            cfg[key] = os.environ[env]
    cfg.update(overrides or {})

    inst = Path(instance_path)
    cfg.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{inst / 'siteroll.db'}")
    if not cfg.get("JOBS_MODE"):
        cfg["JOBS_MODE"] = "rq" if cfg.get("REDIS_URL") else "inprocess"
    demo = cfg["DEMO"] = config_flag(cfg.get("DEMO"))
    missing = [k for k in SECRET_KEYS if not cfg.get(k)]
    if missing and not demo:
        # a key generated on one host would make every other host's data unreadable, and a
        # generated key on a server means whoever reads the instance folder holds the keys
        raise ConfigError("missing " + ", ".join(f"SITEROLL_{k}" for k in missing)
                          + " (generated keys are for the local demo only: SITEROLL_DEMO=1)")
    if missing:
        for k, v in _instance_keys(inst).items():
            cfg[k] = cfg.get(k) or v
    if demo:
        cfg["WECHAT_APPID"] = cfg.get("WECHAT_APPID") or "wx-siteroll-demo"
        cfg["WECHAT_SECRET"] = cfg.get("WECHAT_SECRET") or "demo-secret"
    cfg["WECHAT_API_BASE"] = cfg.get("WECHAT_API_BASE") or ("fake" if demo else WECHAT_PUBLIC_API)
    if cfg["WECHAT_API_BASE"] == "fake" and not demo:
        # the fake server accepts "fake:<openid>": anyone could log in as anyone
        raise ConfigError("SITEROLL_WECHAT_API_BASE=fake is for the local demo only (SITEROLL_DEMO=1)")
    # the dashboard page cookie: never sent over plain HTTP outside the demo, never read by scripts,
    # never sent on a cross-site request (blueprints/oversight_pages.py)
    cfg.setdefault("SESSION_COOKIE_SECURE", not demo)
    cfg.setdefault("SESSION_COOKIE_HTTPONLY", True)
    cfg.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    cfg["AUDIT_CHECKPOINT_PATH"] = cfg.get("AUDIT_CHECKPOINT_PATH") or str(inst / "audit-checkpoints.log")
    cfg["INVITATION_TTL_SECONDS"] = int(cfg["INVITATION_TTL_SECONDS"])
    cfg["JSON_MAX_BYTES"] = int(cfg["JSON_MAX_BYTES"])
    cfg["PROXY_FIX_X_FOR"] = int(cfg["PROXY_FIX_X_FOR"])
    cfg["RATELIMIT_ENABLED"] = config_flag(cfg["RATELIMIT_ENABLED"])
    limits = json.loads(cfg["RATE_LIMITS"]) if isinstance(cfg["RATE_LIMITS"], str) else cfg["RATE_LIMITS"]
    cfg["RATE_LIMITS"] = {**DEFAULT_RATE_LIMITS, **{k: tuple(v) for k, v in (limits or {}).items()}}
    if not cfg.get("FACE_DEEPFACE_HOME"):
        cfg["FACE_DEEPFACE_HOME"] = str(inst / "deepface")
    cfg["TOKEN_TTL_SECONDS"] = int(cfg["TOKEN_TTL_SECONDS"])
    cfg["DB_IDLE_PING_SECONDS"] = float(cfg["DB_IDLE_PING_SECONDS"])
    cfg["STORAGE_DIR"] = cfg.get("STORAGE_DIR") or str(inst / "objects")
    if cfg["STORAGE_BACKEND"] not in ("folder", "s3"):
        raise ConfigError("SITEROLL_STORAGE_BACKEND must be 'folder' or 's3'")
    if cfg["STORAGE_BACKEND"] == "s3" and not cfg.get("S3_BUCKET"):
        raise ConfigError("SITEROLL_STORAGE_BACKEND=s3 needs SITEROLL_S3_BUCKET")

    uri: str = cfg["SQLALCHEMY_DATABASE_URI"]
    options = dict(cfg.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("mysql"):
        # no ping and no ROLLBACK on every checkout/return: models/pool.py does both only when needed
        options.setdefault("pool_reset_on_return", None)
        options.setdefault("pool_recycle", 1800)
        options.setdefault("isolation_level", "READ COMMITTED")
    elif uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    # statement parameters (phone numbers, ciphertexts, tokens) never reach logs or error messages
    options.setdefault("hide_parameters", True)
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return cfg


def config_flag(value: Any) -> bool:
    """A boolean setting that may arrive from the environment as a string ("0", "false" are False)."""
    return value.strip().lower() not in {"", "0", "false", "no", "off"} if isinstance(value, str) else bool(value)


def is_embedded(cfg: dict[str, Any]) -> bool:
    """The one-command demo: SQLite file and in-process jobs."""
    return cfg["JOBS_MODE"] == "inprocess" and str(cfg["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
