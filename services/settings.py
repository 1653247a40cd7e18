"""The settings services read, as typed values: built once by create_app from the app config.

Services call ``settings()``; they never read the Flask config. create_app stores the
built object on the app and installs the lookup (``use_lookup``), so each app of a process
(tests build several) answers with its own settings inside its app context.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from services.audit_checkpoints import AuditSettings, audit_settings_from
from services.faces.settings import FaceSettings, face_settings_from
from services.miniprogram import MiniProgramSettings, miniprogram_settings_from
from services.oversight.settings import OversightSettings, oversight_settings_from
from services.storage.settings import StorageSettings, storage_settings_from


@dataclass(frozen=True)
class KeyRing:
    active_id: str
    keys: dict[str, bytes]
    blind_index_key: bytes


def parse_keyring(pii_keys: str, blind_index_key: str) -> KeyRing:
    """``kid:base64(32 bytes)[,kid:...]``: the first key encrypts, every key decrypts."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in pii_keys.split(","):
        kid, _, b64 = part.strip().partition(":")
        raw = base64.b64decode(b64)
        if len(raw) != 32 or not kid:
            raise ValueError("SITEROLL_PII_KEYS must be 'kid:base64(32 bytes)[,kid:...]'")
        keys[kid] = raw
        order.append(kid)
    return KeyRing(order[0], keys, base64.b64decode(blind_index_key))


@dataclass(frozen=True)
class Settings:
    secret_key: str
    token_ttl_seconds: int
    idempotency_ttl_seconds: int
    keyring: KeyRing
    faces: FaceSettings
    audit: AuditSettings
    oversight: OversightSettings
    miniprogram: MiniProgramSettings
    storage: StorageSettings
    # the CJK font of generated PDFs (None: the built-in fallbacks of services/contracts/pdf.py)
    pdf_font_path: str | None = None
    pdf_font_index: int = 0


def build_settings(cfg: Mapping[str, Any]) -> Settings:
    return Settings(
        secret_key=cfg["SECRET_KEY"],
        token_ttl_seconds=int(cfg["TOKEN_TTL_SECONDS"]),
        idempotency_ttl_seconds=int(cfg["IDEMPOTENCY_TTL_SECONDS"]),
        keyring=parse_keyring(cfg["PII_KEYS"], cfg["BLIND_INDEX_KEY"]),
        faces=face_settings_from(cfg),
        audit=audit_settings_from(cfg),
        oversight=oversight_settings_from(cfg),
        miniprogram=miniprogram_settings_from(cfg),
        storage=storage_settings_from(cfg),
        pdf_font_path=cfg.get("CONTRACT_FONT_PATH") or None,
        pdf_font_index=int(cfg.get("CONTRACT_FONT_INDEX") or 0),
    )


_lookup: Callable[[], Settings] | None = None


def use_lookup(lookup: Callable[[], Settings]) -> None:
    global _lookup
    _lookup = lookup


def settings() -> Settings:
    if _lookup is None:
        raise RuntimeError("no settings: build the app with create_app first")
    return _lookup()
