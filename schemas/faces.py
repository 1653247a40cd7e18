"""Face checks and challenges: request and response models (they also write the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field

from models.faces import FaceChallenge, FaceCheck
from schemas.common import Accepted, OptionalBody
from services.faces.challenge import MOVEMENTS
from services.faces.reasons import REASONS


class ChallengeIn(OptionalBody):
    project_id: int | None = Field(default=None, ge=1, le=2**53, description="在哪个项目进行核验（可选）")


Movement = Literal[tuple(MOVEMENTS)]  # type: ignore[valid-type]


class ChallengeOut(BaseModel):
    challenge_id: int
    movement: Movement
    prompt: str = Field(description="展示给工人的动作提示，如“请缓慢向左转头”")
    nonce: str = Field(description="随检查一起提交；只能使用一次")
    expires_at: datetime

    @classmethod
    def of(cls, c: FaceChallenge) -> ChallengeOut:
        return cls(challenge_id=c.id, movement=c.movement, prompt=MOVEMENTS[c.movement], nonce=c.nonce,
                   expires_at=c.expires_at)


class FaceCheckForm(BaseModel):
    kind: Literal["enroll", "clock", "contract"] = Field(
        title="核验类型", description="enroll 录入 / clock 考勤 / contract 签约"
    )
    project_id: int | None = Field(default=None, ge=1, le=2**53)
    challenge_nonce: str | None = Field(default=None, max_length=64, description="动作验证时必填")
    frames: list[FileStorage] = Field(
        title="照片",
        description="JPG/PNG 照片：被动活体 1 张（录入 enroll 可连拍 1–3 张，每张都保存为特征）；"
        "动作验证 2–3 张（第 1 张正对镜头，其后为动作后）"
    )

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # flask-openapi3 builds the form's schema on every upload to find its file fields (~1 ms of
        # pydantic work per selfie): the default one is built once; the OpenAPI export asks with options
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        if cls not in _DEFAULT_SCHEMAS:
            _DEFAULT_SCHEMAS[cls] = super().model_json_schema()
        return _DEFAULT_SCHEMAS[cls]


_DEFAULT_SCHEMAS: dict[type, dict[str, Any]] = {}


class FaceCheckPath(BaseModel):
    check_id: int = Field(ge=1, le=2**53)


class FaceCheckAccepted(Accepted):
    check_id: int
    status: Literal["pending"]


class FaceCheckOut(BaseModel):
    """What the worker sees: status and reason, never the scores (they would help tune a spoof)."""

    check_id: int
    kind: str
    status: Literal["pending", "passed", "failed", "error"]
    reason_code: str | None = Field(description="失败原因的稳定错误码，如 FACE_NOT_FOUND")
    message: str | None = Field(description="可直接展示给工人的中文提示")
    liveness_mode: str
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, c: FaceCheck) -> FaceCheckOut:
        return cls(
            check_id=c.id, kind=c.kind, status=c.status, reason_code=c.reason_code,  # type: ignore[arg-type]
            message=REASONS.get(c.reason_code) if c.reason_code else None, liveness_mode=c.liveness_mode,
            created_at=c.created_at, finished_at=c.finished_at,
        )


class FaceCheckReviewOut(FaceCheckOut):
    """The labour manager's and project admin's view of a check, with its scores."""

    user_id: int
    project_id: int | None
    distance: float | None = Field(description="与登记模板的距离（越小越像）")
    threshold: float | None = Field(description="判定阈值：距离不超过阈值即为本人")
    anti_spoof_score: float | None = Field(description="被动活体“真人”概率（0–1）")
    anti_spoof_real: bool | None
    model: str | None

    @classmethod
    def of(cls, c: FaceCheck) -> FaceCheckReviewOut:
        return cls(
            **FaceCheckOut.of(c).model_dump(), user_id=c.user_id, project_id=c.project_id,
            distance=c.distance, threshold=c.threshold, anti_spoof_score=c.anti_spoof_score,
            anti_spoof_real=c.anti_spoof_real, model=f"{c.model_name}/{c.model_version}" if c.model_name else None,
        )


class ProjectFaceCheckPath(BaseModel):
    project_id: int = Field(ge=1, le=2**53)
    check_id: int = Field(ge=1, le=2**53)


class ReenrollmentOut(BaseModel):
    approval_id: int
    user_id: int
    project_id: int
    expires_at: datetime
