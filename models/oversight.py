"""Oversight: risk warnings, supervisor findings, the red-black list (红黑榜), notice-board
details, regulators, and the outbox of events pushed to the government platform."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class WarningStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class RiskWarning(Base):
    """One finding of a warning rule about one subject; refreshed by each run while it holds."""

    __tablename__ = "oversight_warnings"
    __table_args__ = (
        UniqueConstraint("project_id", "rule", "subject_key", name="uq_oversight_warning_subject"),
        Index("ix_oversight_warnings_project_status", "project_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    rule: Mapped[str] = mapped_column(String(40))
    subject_key: Mapped[str] = mapped_column(String(64))  # "user:12", "team:3", "project:5", "face:7"
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    since: Mapped[date] = mapped_column(Date)  # when the condition began (business day)
    status: Mapped[str] = mapped_column(String(16), default=WarningStatus.OPEN.value)
    note: Mapped[str | None] = mapped_column(String(500))
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class WarningThresholds(Base):
    """A project's own thresholds; missing keys use services.oversight.warnings.DEFAULTS."""

    __tablename__ = "oversight_thresholds"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True, autoincrement=False)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FindingStatus(StrEnum):
    OPEN = "open"  # rectification notice issued, waiting for the contractor
    ANSWERED = "answered"


class Finding(Base):
    """A supervisor's (监理) finding from the monthly inspection, with the contractor's answer."""

    __tablename__ = "oversight_findings"
    __table_args__ = (Index("ix_oversight_findings_project", "project_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM inspected
    item: Mapped[str] = mapped_column(String(32))  # to_post_rate | attendance_accuracy | wage_records | other
    description: Mapped[str] = mapped_column(Text)
    rectify_by: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=FindingStatus.OPEN.value)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]


class Regulator(Base):
    """A regulator's account (住建/人社): read-only aggregates across projects, decides the 红黑榜."""

    __tablename__ = "oversight_regulators"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, autoincrement=False)
    authority: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ListColor(StrEnum):
    RED = "red"
    BLACK = "black"


class ListEntry(Base):
    """A company or team on the red (commended) or black (barred) list for a period."""

    __tablename__ = "oversight_list_entries"
    __table_args__ = (Index("ix_oversight_list_party", "party_type", "party_id", "color"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    party_type: Mapped[str] = mapped_column(String(16))  # company | team
    party_id: Mapped[int]
    party_name: Mapped[str] = mapped_column(String(128))
    color: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(500))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{"type": "warning", "id": 3}, ...]
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_authority: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lift_note: Mapped[str | None] = mapped_column(String(500))


class NoticeBoard(Base):
    """What the 维权告示牌 says beyond the project's own rows (complaint phones, labour manager)."""

    __tablename__ = "oversight_notice_boards"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True, autoincrement=False)
    labour_manager_name: Mapped[str | None] = mapped_column(String(64))
    labour_manager_phone: Mapped[str | None] = mapped_column(String(32))
    complaint_phones: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{"name": ..., "phone": ...}]
    authorities: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)  # 行业主管部门 / 人社部门 [{"name", "phone"}]
    published_at: Mapped[datetime | None]  # set once every item Art. 34 requires is there
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WageDeposit(Base):
    """Money paid into a project's wage account (工资专用账户), as the bank statement shows it."""

    __tablename__ = "oversight_wage_deposits"
    __table_args__ = (Index("ix_oversight_wage_deposits_project", "project_id", "deposited_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # a project's deposits run past INT's 21 million yuan
    deposited_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(64))  # the bank statement's transaction reference
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushStatus(StrEnum):
    PENDING = "pending"  # to be built, checked and sent
    INCOMPLETE = "incomplete"  # cannot be built: ``missing`` says what and where to enter it (rechecked)
    SENT = "sent"  # the platform took it (requestSerialCode); its result is asked with backoff
    ACCEPTED = "accepted"  # the platform's asynchronous result: 处理成功 (the only "delivered")
    REJECTED = "rejected"  # 处理失败 with the platform's reason; resendable after a fix
    DEAD = "dead"  # gave up after the last attempt: visible to the project admin


class PushEvent(Base):
    """One event for the government platform. ``stable_id`` names the fact (not the attempt),
    so collecting twice or delivering twice sends it once."""

    __tablename__ = "oversight_push_events"
    __table_args__ = (Index("ix_oversight_push_due", "status", "next_attempt_at"),
                      Index("ix_oversight_push_project", "project_id", "status"),
                      Index("ix_oversight_push_object", "kind", "object_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    stable_id: Mapped[str] = mapped_column(String(96), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    kind: Mapped[str] = mapped_column(String(32))  # worker_enrolled | contract_signed | attendance_day | ...
    method: Mapped[str] = mapped_column(String(48))  # ProjectWorker.Add, WorkerAttendance.Add, ...
    object_id: Mapped[int]  # membership / contract / attendance day / pay line id
    status: Mapped[str] = mapped_column(String(16), default=PushStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]  # when the platform's result said accepted
    missing: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)  # [{field, label, where}] while incomplete
    request_serial_code: Mapped[str | None] = mapped_column(String(64))  # the platform's id of the write
    sent_at: Mapped[datetime | None]
    queries: Mapped[int] = mapped_column(default=0)  # AsyncHandleResult.Query calls for this send
    reason: Mapped[str | None] = mapped_column(String(500))  # the platform's result text when rejected
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "Finding", "FindingStatus", "ListColor", "ListEntry", "NoticeBoard", "PushEvent", "PushStatus",
    "Regulator", "RiskWarning", "WageDeposit", "WarningStatus", "WarningThresholds",
]
