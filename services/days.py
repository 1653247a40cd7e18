"""The business day: a site's day is the Asia/Shanghai date, whatever the server's clock zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.base import utcnow

SITE_TZ = ZoneInfo("Asia/Shanghai")


def business_day(at: datetime | None = None) -> date:
    return (at or utcnow()).astimezone(SITE_TZ).date()
