"""The object store's settings, read once from the app config (services.settings builds them)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config import config_flag


@dataclass(frozen=True)
class StorageSettings:
    backend: str  # folder | s3
    folder: str  # the folder backend's root (instance/objects by default)
    # the folder backend's links are served by the app: signed with this key, on this base URL
    url_key: bytes
    public_base_url: str
    s3_endpoint: str | None = None
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_path_style: bool = True
    timeout_seconds: float = 5.0


def storage_settings_from(cfg: Mapping[str, Any]) -> StorageSettings:
    return StorageSettings(
        backend=str(cfg.get("STORAGE_BACKEND") or "folder"),
        folder=str(cfg["STORAGE_DIR"]),
        # a key of its own, derived: a leaked link key must not sign bearer tokens
        url_key=hashlib.sha256(b"siteroll-storage-links:" + str(cfg["SECRET_KEY"]).encode()).digest(),
        public_base_url=str(cfg.get("PUBLIC_BASE_URL") or "").rstrip("/"),
        s3_endpoint=cfg.get("S3_ENDPOINT") or None,
        s3_bucket=cfg.get("S3_BUCKET") or None,
        s3_region=str(cfg.get("S3_REGION") or "us-east-1"),
        s3_access_key=cfg.get("S3_ACCESS_KEY") or None,
        s3_secret_key=cfg.get("S3_SECRET_KEY") or None,
        s3_path_style=config_flag(cfg.get("S3_PATH_STYLE", True)),
        timeout_seconds=float(cfg.get("S3_TIMEOUT_SECONDS") or 5),
    )
