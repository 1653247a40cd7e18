from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.pagination import DEFAULT_LIMIT, MAX_LIMIT


class ErrorBody(BaseModel):
    code: str = Field(description="稳定的机器可读错误码，如 VALIDATION_FAILED", examples=["VALIDATION_FAILED"])
    message: str = Field(description="可直接展示给用户的中文说明")
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(BaseModel):
    error: ErrorBody


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
