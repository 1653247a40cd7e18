"""Notification jobs."""

from __future__ import annotations

from typing import Any

from services import notifications


def send_subscribe_message(user_id: int, template_id: str, data: dict[str, Any], page: str | None = None) -> None:
    notifications.deliver_subscribe_message(user_id, template_id, data, page)
