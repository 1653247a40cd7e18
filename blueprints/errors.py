"""The one place that turns failures into the error JSON the mini-program shows."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from models import db
from services.errors import DomainError

log = logging.getLogger(__name__)

HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "请求格式不正确"),
    401: ("UNAUTHENTICATED", "未登录或登录已过期，请重新登录"),
    403: ("FORBIDDEN", "没有权限进行此操作"),
    404: ("NOT_FOUND", "请求的资源不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    409: ("CONFLICT", "请求与当前状态冲突"),
    413: ("PAYLOAD_TOO_LARGE", "上传内容过大"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "请求内容类型不受支持，请使用 application/json"),
    422: ("VALIDATION_FAILED", "提交的内容不符合要求"),
    429: ("TOO_MANY_REQUESTS", "请求过于频繁，请稍后再试"),
    500: ("INTERNAL_ERROR", "服务器开小差了，请稍后再试"),
    503: ("SERVICE_UNAVAILABLE", "服务暂时不可用，请稍后再试"),
}


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    resp = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    resp.status_code = status
    return resp


def validation_error_response(exc: ValidationError) -> Response:
    fields = [
        {"loc": ".".join(str(p) for p in err["loc"]), "type": err["type"], "msg": err["msg"]}
        for err in exc.errors(include_url=False, include_context=False, include_input=False)
    ]
    return error_response(422, "VALIDATION_FAILED", "提交的内容不符合要求，请检查后重试", {"fields": fields})


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response:
        db.session.rollback()
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        db.session.rollback()
        if exc.response is not None and exc.response.mimetype == "application/json":
            return exc.response  # already ours (flask-openapi3's validation answer)
        status = exc.code or 500
        code, message = HTTP_CODES.get(status, ("HTTP_ERROR", "请求无法处理"))
        resp = error_response(status, code, message)
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
        code, message = HTTP_CODES[500]
        return error_response(500, code, message)
