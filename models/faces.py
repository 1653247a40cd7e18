"""Face checks, face templates (embeddings, never photos), evidence photos and challenges."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class FaceCheckKind(StrEnum):
    ENROLL = "enroll"
    CLOCK = "clock"
    CONTRACT = "contract"


class FaceCheckStatus(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"  # the selfie was refused: reason_code says why
    ERROR = "error"  # the engine kept crashing; the worker may simply retry


class TemplateStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"  # replaced by a re-enrollment; kept, never overwritten


class FaceCheck(Base):
    """One selfie check run by a background job. Written once: pending -> passed/failed/error."""

    __tablename__ = "face_checks"
    __table_args__ = (
        Index("ix_face_checks_user_created", "user_id", "created_at"),
        Index("ix_face_checks_purpose", "purpose", "purpose_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    kind: Mapped[str] = mapped_column(String(16))
    # what the check is for, in the asking area's words ("attendance.clock_in", its row id);
    # the finished check is handed to that area (services/faces/handover.py). No FK: any area's row.
    purpose: Mapped[str | None] = mapped_column(String(40))
    purpose_id: Mapped[int | None] = mapped_column(BigInteger)
    liveness_mode: Mapped[str] = mapped_column(String(16))  # passive | challenge
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("face_challenges.id"))
    status: Mapped[str] = mapped_column(String(16), default=FaceCheckStatus.PENDING.value, index=True)
    reason_code: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    distance: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    anti_spoof_score: Mapped[float | None] = mapped_column(Float)  # probability of "real"
    anti_spoof_real: Mapped[bool | None]
    model_name: Mapped[str | None] = mapped_column(String(32))
    model_version: Mapped[str | None] = mapped_column(String(80))
    detector: Mapped[str | None] = mapped_column(String(32))
    timings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # the template an enrollment created / a clock-in matched; no FK: templates point back here
    template_id: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class FaceTemplate(Base):
    """An encrypted face embedding with the model that made it (templates, not photos)."""

    __tablename__ = "face_templates"
    __table_args__ = (Index("ix_face_templates_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source_check_id: Mapped[int | None] = mapped_column(ForeignKey("face_checks.id"))
    embedding_enc: Mapped[str] = mapped_column(Text)  # float32 x 128, AES-GCM (services/pii.py)
    model_name: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str] = mapped_column(String(80))
    detector: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=TemplateStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]


class FaceEvidence(Base):
    """An uploaded frame, encrypted. Enrollment frames are dropped once the job has run;
    clock-in and contract frames are attendance evidence, purged after FACE_EVIDENCE_RETENTION_DAYS."""

    __tablename__ = "face_evidence"
    __table_args__ = (Index("ix_face_evidence_purge", "purged_at", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("face_checks.id"), index=True)
    frame_index: Mapped[int] = mapped_column(default=0)
    # the encrypted photo in the object store (services/storage); NULL once purged
    photo_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # photo_object_id is set to NULL here (and the object deleted after commit): by the
    # enrollment job, the retention purge or a consent withdrawal
    purged_at: Mapped[datetime | None]


class FaceChallenge(Base):
    """An active-liveness challenge: a movement and a one-time nonce."""

    __tablename__ = "face_challenges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    movement: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_check_id: Mapped[int | None] = mapped_column(BigInteger)  # no FK: checks point here
