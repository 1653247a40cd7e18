"""The one place that turns failures into the error JSON the mini-program shows."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from blueprints.field_errors import field_errors, summary
from models import db
from services.error_codes import CATALOGUE, HTTP_DEFAULTS, lookup
from services.errors import DomainError

log = logging.getLogger(__name__)



def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    # the request id in the body too: wx.uploadFile hands the phone no response headers
    resp = jsonify({"error": {"code": code, "message": message, "details": details or {},
                              "request_id": g.get("request_id", "")}})
    resp.status_code = status
    entry = CATALOGUE.get(code)
    if entry is not None and entry.retry_after:
        resp.headers["Retry-After"] = str(entry.retry_after)  # when to send the same request again
    return resp


def error_answer(code: str, details: dict[str, Any] | None = None, *, status: int | None = None) -> Response:
    """The error JSON for a catalogued code (services/error_codes.py)."""
    entry = lookup(code)
    return error_response(status or entry.status or 500, entry.code, entry.message, details)


def validation_error_response(exc: ValidationError) -> Response:
    fields = field_errors(exc)
    return error_response(422, "VALIDATION_FAILED", summary(fields), {"fields": fields})


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response:
        db.session.rollback()
        if exc.after_rollback is not None:
            try:
                exc.after_rollback()
                db.session.commit()
            except Exception:  # the refusal is answered all the same
                db.session.rollback()
                log.exception("recording a refusal failed (request %s)", g.get("request_id"))
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        db.session.rollback()
        if exc.response is not None and exc.response.mimetype == "application/json":
            return exc.response  # already ours (flask-openapi3's validation answer)
        status = exc.code or 500
        resp = error_answer(HTTP_DEFAULTS.get(status, "HTTP_ERROR"), status=status)
        if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
        return resp

    @app.errorhandler(IntegrityError)
    def _integrity(_exc: IntegrityError) -> Response:
        # a racing twin inserted the same unique row first (MariaDB): the loser retries, not a 500
        db.session.rollback()
        return error_response(409, "CONFLICT", "数据已被其他请求修改，请刷新后重试")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        db.session.rollback()
        log.exception("unhandled error (request %s)", g.get("request_id"))
        return error_answer("INTERNAL_ERROR")
