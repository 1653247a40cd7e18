"""Subscribe messages (订阅消息) to a worker's WeChat, sent from a background job.

An area queues one in its own transaction (it leaves only if that commits):
``enqueue("workers.notifications.send_subscribe_message", user_id, template_id, data, page)``.
"""

from __future__ import annotations

from typing import Any

from models import User, db
from services import wechat
from services.errors import NotFound


def deliver_subscribe_message(user_id: int, template_id: str, data: dict[str, Any], page: str | None) -> None:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("USER_NOT_FOUND")
    payload = {key: {"value": value} for key, value in data.items()}
    wechat.send_subscribe_message(user.openid, template_id, payload, page)
