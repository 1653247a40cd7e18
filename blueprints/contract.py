"""The developer's contract, written into the OpenAPI document from what each route declares.

A route states its success answer (``responses={201: TeamOut}``) and, with ``@raises(...)``,
the domain error codes it can answer. Everything every route of a kind shares is added here,
once: the codes of the request cycle (token, body, Idempotency-Key, commit), the
``Idempotency-Key`` / ``If-None-Match`` parameters, the response headers, Chinese status
descriptions, readable operation ids (``faces.createCheck``) and ``servers``.
tests/api/test_error_registry.py fails when a route can raise a code it does not declare.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_openapi3 import APIBlueprint, OpenAPI
from flask_openapi3.utils import parse_rule

from services.error_codes import CATALOGUE, RETRY_TEXT

STATUS_TEXT: dict[int, str] = {
    200: "成功", 201: "已创建", 202: "已受理，后台处理中：按 poll_url 轮询结果",
    304: "未修改：If-None-Match 与当前 ETag 相同，沿用本地缓存（无响应体）",
    400: "请求格式错误", 401: "未登录或登录已失效：重新 wx.login() 并登录", 403: "无权操作", 404: "资源不存在",
    405: "不支持该请求方法", 409: "与当前状态冲突", 413: "上传内容过大", 415: "内容类型不受支持",
    422: "提交的内容不符合要求", 429: "请求过于频繁：按 Retry-After 等待后重试", 500: "服务器内部错误",
    503: "服务暂不可用：稍后重试",
}

HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": {"description": "本次请求的编号（请求头可自带 8–64 位字母数字，会原样返回）；反馈问题时请附上",
                     "schema": {"type": "string"}},
    "Idempotent-Replayed": {"description": "为 true 时，这是同一 Idempotency-Key 第一次请求的回答（原样重放，未再次执行）",
                            "schema": {"type": "string", "enum": ["true"]}},
    "Retry-After": {"description": "建议等待的秒数，之后再轮询或重试", "schema": {"type": "integer", "minimum": 0}},
    "ETag": {"description": "内容版本；下次请求带 If-None-Match: <ETag>，未变化时返回 304 且无响应体",
             "schema": {"type": "string"}},
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "每次用户操作生成一个（建议 UUID），弱网重发时复用：同一 key 只执行一次，重复请求得到第一次的回答"
                   "（响应头 Idempotent-Replayed: true）。内容变了（如重拍照片）必须换新 key。",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128},
}
IF_NONE_MATCH = {
    "name": "If-None-Match", "in": "header", "required": False,
    "description": "上次响应的 ETag；内容未变化时返回 304（无响应体），省流量",
    "schema": {"type": "string"},
}

# the request cycle's own codes (blueprints/request_cycle.py, blueprints/errors.py), by trait
ALWAYS = ("INTERNAL_ERROR",)
SECURED = ("UNAUTHENTICATED", "TOKEN_EXPIRED", "TOKEN_INVALID", "TOKEN_REVOKED")
WITH_PATH = ("NOT_FOUND",)  # a path parameter that is not a positive integer matches no route
WITH_INPUT = ("VALIDATION_FAILED",)
WITH_CURSOR = ("CURSOR_INVALID",)  # lists: blueprints/api.py page_from
WITH_BODY = ("BAD_REQUEST", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE")
WITH_JSON = ("INVALID_JSON", "JSON_TOO_DEEP")
RATE_LIMITED = ("RATE_LIMITED",)  # @rate_limited routes (blueprints/limits.py)
IDEMPOTENT = ("IDEMPOTENCY_KEY_INVALID", "IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_IN_PROGRESS")
WRITES = ("CONFLICT", "DATABASE_BUSY")


def raises(*codes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the domain error codes a route can answer (below the route decorator)."""
    unknown = [c for c in codes if c not in CATALOGUE or CATALOGUE[c].status is None]
    if unknown:
        raise ValueError(f"not HTTP error codes of services/error_codes.py: {unknown}")

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.siteroll_raises = tuple(codes)  # type: ignore[attr-defined]
        return view

    return mark


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass
class Operation:
    endpoint: str
    view: Callable[..., Any]
    method: str
    path: str
    secured: bool
    explicit: dict[str, Any] = field(default_factory=dict)

    def declared(self, spec_op: dict[str, Any]) -> list[str]:
        """Every code this operation can answer: its own plus the request cycle's."""
        codes = list(ALWAYS) + list(getattr(self.view, "siteroll_raises", ()))
        params = spec_op.get("parameters") or []
        body = (spec_op.get("requestBody") or {}).get("content", {})
        if self.secured:
            codes += SECURED
        if any(p.get("in") == "path" for p in params):
            codes += WITH_PATH
        if params or body:
            codes += WITH_INPUT
        if any(p.get("name") == "cursor" for p in params):
            codes += WITH_CURSOR
        if body:
            codes += WITH_BODY
        if "application/json" in body:
            codes += WITH_JSON
        if self.idempotent:
            codes += IDEMPOTENT
        if self.writes:
            codes += WRITES
        if getattr(self.view, "siteroll_rate_limit", None):
            codes += RATE_LIMITED
        return list(dict.fromkeys(codes))

    @property
    def idempotent(self) -> bool:
        return self.secured and self.method == "post"  # blueprints/request_cycle.py claims these

    @property
    def writes(self) -> bool:
        return self.method != "get" or bool(getattr(self.view, "siteroll_writes", False))


class ContractBlueprint(APIBlueprint):
    """An APIBlueprint that remembers its operations for the document's finishing pass."""

    def __init__(self, name: str, import_name: str, *, area: str, **kwargs: Any) -> None:
        super().__init__(name, import_name, operation_id_callback=lambda name, path, method: f"{area}.{camel(name)}",
                         **kwargs)
        self.operations: list[Operation] = []

    def _collect_openapi_info(self, rule: str, func: Callable[..., Any], **kwargs: Any):  # type: ignore[override]
        result = super()._collect_openapi_info(rule, func, **kwargs)
        if kwargs.get("doc_ui", True):
            self.operations.append(Operation(
                endpoint=f"{self.name}.{func.__name__}", view=func, method=str(kwargs.get("method", "GET")).lower(),
                path=parse_rule(rule, url_prefix=self.url_prefix), secured=bool(self.abp_security),
                explicit={str(k): v for k, v in (kwargs.get("responses") or {}).items()},
            ))
        return result


def _code_line(code: str) -> str:
    entry = CATALOGUE[code]
    return f"- `{code}`：{entry.message}。{entry.when}。处理：{entry.action}；{RETRY_TEXT[entry.retry]}。"


def error_schema(codes: list[str]) -> dict[str, Any]:
    return {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "enum": codes,
                         "description": "稳定的错误码，请按它做分支处理",
                         "x-enum-descriptions": [f"{CATALOGUE[c].message}（{CATALOGUE[c].when}）" for c in codes]},
                "message": {"type": "string", "description": "可直接展示给用户的中文短句"},
                "details": {"type": "object", "description": "补充信息；VALIDATION_FAILED 时为 fields[]：loc、type、msg（中文）"},
                "request_id": {"type": "string", "description": "本次请求的编号（同回答头 X-Request-Id）；"
                               "wx.uploadFile 拿不到回答头，反馈问题时附上它"},
            },
        }},
    }


def error_responses(codes: list[str]) -> dict[str, dict[str, Any]]:
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(CATALOGUE[code].status or 500, []).append(code)
    return {
        str(status): {
            "description": STATUS_TEXT[status] + "\n\n" + "\n".join(_code_line(c) for c in listed),
            "headers": _headers("X-Request-Id", *(("Retry-After",) if status == 429 or any(
                CATALOGUE[c].retry_after for c in listed) else ())),
            "content": {"application/json": {"schema": error_schema(listed)}},
        }
        for status, listed in sorted(by_status.items())
    }


def _headers(*names: str) -> dict[str, Any]:
    return {name: HEADERS[name] for name in names}


def _success_headers(op: Operation, status: int) -> dict[str, Any]:
    names = ["X-Request-Id"]
    if op.idempotent:
        names.append("Idempotent-Replayed")
    if getattr(op.view, "siteroll_etag", False):
        names.append("ETag")
    if status == 202 or getattr(op.view, "siteroll_polled", False):
        names.append("Retry-After")
    return _headers(*names)


def finish_operation(op: Operation, spec_op: dict[str, Any]) -> list[str]:
    codes = op.declared(spec_op)
    responses = spec_op.get("responses") or {}
    successes = {k: v for k, v in responses.items() if k in op.explicit}
    for status, answer in successes.items():
        answer["description"] = STATUS_TEXT.get(int(status), answer.get("description", ""))
        answer["headers"] = {**_success_headers(op, int(status)), **answer.get("headers", {})}
    errors = {k: v for k, v in error_responses(codes).items() if k not in successes}
    if getattr(op.view, "siteroll_etag", False):
        successes["304"] = {"description": STATUS_TEXT[304], "headers": _headers("ETag", "X-Request-Id")}
    spec_op["responses"] = dict(sorted({**successes, **errors}.items()))
    params = spec_op.setdefault("parameters", [])
    if op.idempotent:
        params.append(dict(IDEMPOTENCY_KEY))
    if getattr(op.view, "siteroll_etag", False):
        params.append(dict(IF_NONE_MATCH))
    if not params:
        spec_op.pop("parameters")
    return codes


class ContractAPI(OpenAPI):
    """flask-openapi3's app, with the finishing pass over the generated document."""

    def generate_spec_json(self) -> None:
        super().generate_spec_json()
        self.declared_codes: dict[str, list[str]] = {}
        for bp in self.iter_blueprints():
            for op in getattr(bp, "operations", ()):
                spec_op = self.spec_json["paths"][op.path][op.method]
                self.declared_codes[op.endpoint] = finish_operation(op, spec_op)

    def operations(self) -> list[Operation]:
        return [op for bp in self.iter_blueprints() for op in getattr(bp, "operations", ())]


OPERATION_ID = re.compile(r"^[a-z]+\.[a-z][A-Za-z]*$")
