from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


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
