from __future__ import annotations

from flask import current_app

from blueprints.api import api_blueprint
from infra import health
from schemas.health import HealthOut, PartOut
from services.storage import maintenance

bp = api_blueprint("health", __name__, "health", "健康检查", secured=False, url_prefix="")


@bp.get("/healthz", responses={200: HealthOut, 503: HealthOut}, summary="数据库、Redis、对象存储与队列状态")
def healthz():
    ok, report = health.check(current_app._get_current_object())  # type: ignore[attr-defined]
    store = maintenance.health()  # the backend's kind and error go to the log, not to an anonymous caller
    ok = ok and bool(store["ok"])
    public = HealthOut(ok=ok, database=PartOut(ok=report["database"]["ok"]), redis=PartOut(ok=report["redis"]["ok"]),
                       storage=PartOut(ok=bool(store["ok"])), queued=sum(report["queues"].values()))
    return public.model_dump(), 200 if ok else 503
