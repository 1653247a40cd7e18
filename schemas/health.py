from __future__ import annotations

from pydantic import BaseModel, Field


class PartOut(BaseModel):
    ok: bool


class HealthOut(BaseModel):
    """What an anonymous caller learns: whether each part is up, not how the deployment is built
    (no mode, dialect, queue names or driver errors: those are in the logs)."""

    ok: bool
    database: PartOut
    redis: PartOut
    storage: PartOut = Field(description="对象存储（照片、签名、已出具的 PDF）是否可用")
    queued: int = Field(description="排队中的后台任务数")
