from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class HealthOut(BaseModel):
    ok: bool
    mode: str
    database: dict[str, Any]
    redis: dict[str, Any]
    queues: dict[str, int]
