"""Health of the parts a request or a job needs."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import text

from infra import jobs
from models import db


def check(app: Flask) -> tuple[bool, dict[str, Any]]:
    # no mode and no dialect: an anonymous caller learns only whether the parts are up
    report: dict[str, Any] = {}
    ok = True
    try:
        db.session.execute(text("SELECT 1"))
        report["database"] = {"ok": True}
    except Exception as exc:  # any driver error means "down"
        db.session.rollback()
        ok = False
        report["database"] = {"ok": False, "error": type(exc).__name__}
    if app.config["JOBS_MODE"] == "rq":
        try:
            jobs.redis_connection(app).ping()
            report["redis"] = {"ok": True}
            report["queues"] = jobs.queue_depths(app)
        except Exception as exc:
            ok = False
            report["redis"] = {"ok": False, "error": type(exc).__name__}
            report["queues"] = {}
    else:
        report["redis"] = {"ok": True, "required": False}
        report["queues"] = jobs.queue_depths(app)
    report["ok"] = ok
    return ok, report
