from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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


class FromRow(BaseModel):
    """Responses: built from the model row's attributes (``Out.model_validate(row)``)."""

    model_config = ConfigDict(from_attributes=True)


class Strict(BaseModel):
    """Request bodies: unknown fields are refused, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
