from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.pagination import DEFAULT_LIMIT, MAX_LIMIT


class ErrorBody(BaseModel):
    code: str = Field(description="稳定的机器可读错误码，如 VALIDATION_FAILED", examples=["VALIDATION_FAILED"])
    message: str = Field(description="可直接展示给用户的中文说明")
    details: dict[str, Any] = Field(default_factory=dict)
    request_id: str = Field(description="本次请求的编号（与回答头 X-Request-Id 相同）；反馈问题时请附上")


class ErrorResponse(BaseModel):
    error: ErrorBody


class UploadAnswer(BaseModel):
    """What an upload answers in its body too: wx.uploadFile's success gives only ``data`` and
    ``statusCode``, never the headers (Idempotent-Replayed, Retry-After), so they are repeated here."""

    replayed: bool = Field(default=False, description="为 true 时，这是同一 Idempotency-Key 第一次请求的回答（原样重放，"
                           "未再次执行）；与回答头 Idempotent-Replayed 相同，wx.uploadFile 拿不到回答头时看它")
    retry_after: int | None = Field(default=None, ge=0, description="建议等待的秒数后再 GET poll_url（与回答头 "
                                    "Retry-After 相同）；没有需要等待的后台处理时为 null")


class Accepted(UploadAnswer):
    """Every 202: an absolute ``poll_url`` and how long to wait before the first GET of it."""

    poll_url: str = Field(json_schema_extra={"format": "uri"},
                          description="查询结果的完整地址（https://…），按 retry_after 秒数间隔直接 GET 它")
    retry_after: int = Field(ge=0, description="建议等待的秒数后再 GET poll_url（与回答头 Retry-After 相同）")


class ProjectPath(BaseModel):
    project_id: int = Field(ge=1, le=2**53)


class TeamPath(BaseModel):
    team_id: int = Field(ge=1, le=2**53)


class MemberPath(BaseModel):
    project_id: int = Field(ge=1, le=2**53)
    user_id: int = Field(ge=1, le=2**53)


class CompanyPath(BaseModel):
    company_id: int = Field(ge=1, le=2**53)


class ListQuery(BaseModel):
    """Every list takes these; the answer's ``next_cursor`` is the next page's ``cursor``."""

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, title="每页条数",
                       description=f"每页条数（1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}）")
    cursor: str | None = Field(default=None, max_length=64, title="分页游标",
                               description="上一页返回的 next_cursor；不传为第一页")


class Listed(BaseModel):
    next_cursor: str | None = Field(description="下一页的 cursor；为 null 表示已是最后一页")


class FromRow(BaseModel):
    """Responses: built from the model row's attributes (``Out.model_validate(row)``)."""

    model_config = ConfigDict(from_attributes=True)


class Strict(BaseModel):
    """Request bodies: unknown fields are refused, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OptionalBody(Strict):
    """A body whose fields are all optional: no body at all means "all defaults", not a 422."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, openapi_extra={"required": False})

    @model_validator(mode="before")
    @classmethod
    def _no_body_is_empty(cls, data: Any) -> Any:
        return {} if data is None else data
