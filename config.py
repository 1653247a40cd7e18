"""One configuration object, read from a mapping and then the environment.

Embedded mode (the default): SQLite file in the instance folder, jobs run in-process,
a fake WeChat server on loopback, keys generated into the instance folder.
Production: SITEROLL_DATABASE_URL (MariaDB via PyMySQL), SITEROLL_REDIS_URL (RQ), real WeChat.
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
    "SITEROLL_SHARED_DIR": "SHARED_DIR",
    "DEEPFACE_HOME": "FACE_DEEPFACE_HOME",
    "SITEROLL_FACE_WARM_UP": "FACE_WARM_UP_ON_START",
    "SITEROLL_FACE_THRESHOLD": "FACE_THRESHOLD",
    "SITEROLL_FACE_ANTI_SPOOF": "FACE_ANTI_SPOOF",
    "SITEROLL_FACE_TF_THREADS": "FACE_TF_THREADS",
    "SITEROLL_FACE_CHALLENGE_MIRRORED": "FACE_CHALLENGE_MIRRORED",
    "SITEROLL_FACE_CHALLENGE_TTL_SECONDS": "FACE_CHALLENGE_TTL_SECONDS",
    "SITEROLL_FACE_RETENTION_DAYS": "FACE_EVIDENCE_RETENTION_DAYS",
    "SITEROLL_CONTRACT_FONT_PATH": "CONTRACT_FONT_PATH",  # a CJK .ttf/.ttc for contract PDFs
    "SITEROLL_CONTRACT_FONT_INDEX": "CONTRACT_FONT_INDEX",  # the face's index in a .ttc
    "SITEROLL_PLATFORM_PUSH_URL": "PLATFORM_PUSH_URL",  # government platform endpoint (unset: outbox waits)
    "SITEROLL_PLATFORM_APPID": "PLATFORM_APPID",
    "SITEROLL_PLATFORM_SECRET": "PLATFORM_SECRET",
    "SITEROLL_PLATFORM_TIMEOUT_SECONDS": "PLATFORM_TIMEOUT_SECONDS",
    "SITEROLL_PLATFORM_PUSH_MAX_ATTEMPTS": "PLATFORM_PUSH_MAX_ATTEMPTS",
    "SITEROLL_PUBLIC_BASE_URL": "PUBLIC_BASE_URL",  # the notice board's QR code points here
}

SECRET_KEYS = ("SECRET_KEY", "PII_KEYS", "BLIND_INDEX_KEY")
WECHAT_PUBLIC_API = "https://api.weixin.qq.com/"


class ConfigError(RuntimeError):
    pass


DEFAULTS: dict[str, Any] = {
    "JOBS_MODE": None,  # "inprocess" | "rq"; derived from REDIS_URL when unset
    "REDIS_URL": None,
    # embedded: a demo app id and "fake" (the bundled fake server on a free loopback port);
    # production: the real API, and the app id / secret must come from the environment
    "WECHAT_APPID": None,
    "WECHAT_SECRET": None,
    "WECHAT_API_BASE": None,
    "WECHAT_TIMEOUT_SECONDS": 5,
    "TOKEN_TTL_SECONDS": 2 * 24 * 3600,
    "IDEMPOTENCY_TTL_SECONDS": 48 * 3600,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SHARED_DIR": str(ROOT.parent / "shared"),
    "FACE_DEEPFACE_HOME": None,
    "FACE_EVIDENCE_RETENTION_DAYS": 90,
    # embedded mode: load the face models on a background thread at start (make demo sets it),
    # so the first selfie is not kept waiting while TensorFlow loads
    "FACE_WARM_UP_ON_START": False,
}


def _instance_keys(instance_path: Path) -> dict[str, str]:
    """Keys for embedded mode, generated once and kept beside the SQLite file."""
    path = instance_path / "siteroll-keys.json"
    if path.exists():
        return json.loads(path.read_text())
    instance_path.mkdir(parents=True, exist_ok=True)
    keys = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PII_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(keys, fh)
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
    embedded = is_embedded(cfg)
    missing = [k for k in SECRET_KEYS if not cfg.get(k)]
    if missing and not embedded:
        # a key generated on one host would make every other host's data unreadable
        raise ConfigError("production needs " + ", ".join(f"SITEROLL_{k}" for k in missing) + " set")
    if missing:
        for k, v in _instance_keys(inst).items():
            cfg[k] = cfg.get(k) or v
    if embedded:
        cfg["WECHAT_APPID"] = cfg.get("WECHAT_APPID") or "wx-siteroll-demo"
        cfg["WECHAT_SECRET"] = cfg.get("WECHAT_SECRET") or "demo-secret"
    cfg["WECHAT_API_BASE"] = cfg.get("WECHAT_API_BASE") or ("fake" if embedded else WECHAT_PUBLIC_API)
    if not cfg.get("FACE_DEEPFACE_HOME"):
        cfg["FACE_DEEPFACE_HOME"] = str(inst / "deepface")
    cfg["TOKEN_TTL_SECONDS"] = int(cfg["TOKEN_TTL_SECONDS"])

    uri: str = cfg["SQLALCHEMY_DATABASE_URI"]
    options = dict(cfg.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("mysql"):
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_recycle", 1800)
        options.setdefault("isolation_level", "READ COMMITTED")
    elif uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return cfg


def config_flag(value: Any) -> bool:
    """A boolean setting that may arrive from the environment as a string ("0", "false" are False)."""
    return value.strip().lower() not in {"", "0", "false", "no", "off"} if isinstance(value, str) else bool(value)


def is_embedded(cfg: dict[str, Any]) -> bool:
    """The one-command demo: SQLite file and in-process jobs."""
    return cfg["JOBS_MODE"] == "inprocess" and str(cfg["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
