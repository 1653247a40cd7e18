from __future__ import annotations

from flask import current_app
from pydantic import BaseModel, Field

from blueprints.api import api_blueprint
from infra import health

bp = api_blueprint("health", __name__, "health", "健康检查", secured=False, url_prefix="")


class PartOut(BaseModel):
    ok: bool


class HealthOut(BaseModel):
    ok: bool
    database: PartOut
    redis: PartOut
    queued: int = Field(description="排队中的后台任务数")


@bp.get("/healthz", responses={200: HealthOut, 503: HealthOut}, summary="数据库、Redis 与队列状态")
def healthz():
    ok, report = health.check(current_app._get_current_object())  # type: ignore[attr-defined]
    # anonymous callers learn whether the parts are up, not how the deployment is built
    # (no mode, dialect, queue names or driver errors: those are in the logs)
    public = HealthOut(ok=ok, database=PartOut(ok=report["database"]["ok"]), redis=PartOut(ok=report["redis"]["ok"]),
                       queued=sum(report["queues"].values()))
    return public.model_dump(), 200 if ok else 503
