"""Settings of the oversight area: the government platform endpoint and the dashboard links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OversightSettings:
    platform_url: str | None  # None: events wait in the outbox (nothing is sent)
    platform_appid: str
    platform_secret: str  # 32 characters: the signing secret and the AES-256 key (IV = its first 16)
    platform_timeout_seconds: float
    push_max_attempts: int
    public_base_url: str  # where the notice board's QR code points
    link_ttl_seconds: int  # a dashboard link must be opened within minutes
    page_session_seconds: int  # then the page's own cookie lasts this long


def oversight_settings_from(cfg: Mapping[str, Any]) -> OversightSettings:
    return OversightSettings(
        platform_url=cfg.get("PLATFORM_PUSH_URL") or None,
        platform_appid=str(cfg.get("PLATFORM_APPID") or "siteroll-demo"),
        platform_secret=str(cfg.get("PLATFORM_SECRET") or "0123456789abcdef0123456789abcdef"),
        platform_timeout_seconds=float(cfg.get("PLATFORM_TIMEOUT_SECONDS") or 5),
        push_max_attempts=int(cfg.get("PLATFORM_PUSH_MAX_ATTEMPTS") or 6),
        public_base_url=str(cfg.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        link_ttl_seconds=int(cfg.get("DASHBOARD_LINK_TTL_SECONDS") or 300),
        page_session_seconds=int(cfg.get("DASHBOARD_SESSION_SECONDS") or 1800),
    )
