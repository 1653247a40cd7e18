"""Attendance: clocks (the raw, never-dropped records), days (what payroll reads), corrections,
disputes, per-project rules and the month locks payroll sets.

What payroll reads (issue 18): ``AttendanceDay`` rows, one per (project_id, user_id,
business_date) where business_date is the Asia/Shanghai date shifted by the project's day
boundary (night shifts). ``status`` / ``worked_minutes`` are the values to pay: the leader's
correction when there is one, otherwise what the clocks gave (``computed_status`` /
``computed_worked_minutes`` always keep the clocks' answer). Only days with ``confirmed_at``
set are payable. ``AttendanceMonthLock`` (services.attendance.locks.lock_month / is_locked)
freezes a month once its payroll is approved: no confirmation, correction or recomputation
changes a locked day afterwards (a late clock is still stored, flagged ``MONTH_LOCKED``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, Double, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class ClockStatus(StrEnum):
    PENDING = "pending"  # waiting for its face check
    ACCEPTED = "accepted"
    FLAGGED = "flagged"  # counted, with flags the leader must look at
    RETRY = "retry"  # not fraud (e.g. passive anti-spoof said no): retake or take the challenge
    REJECTED = "rejected"  # not counted: failed match / challenge, outside the fence


COUNTED_CLOCK_STATUSES = (ClockStatus.ACCEPTED.value, ClockStatus.FLAGGED.value)


class ClockSource(StrEnum):
    FACE = "face"  # selfie + GPS on the worker's phone
    WITNESSED = "witnessed"  # recorded by the team leader (the non-face alternative)


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class DayStatus(StrEnum):
    PRESENT = "present"
    HALF = "half"
    ABSENT = "absent"
    MISSING_OUT = "missing_out"


class DisputeStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Clock(Base):
    """One clock-in or clock-out attempt, kept whatever its outcome (flags never drop a record)."""

    __tablename__ = "attendance_clocks"
    __table_args__ = (
        Index("ix_attendance_clocks_worker", "project_id", "user_id", "taken_at"),
        Index("ix_attendance_clocks_user_taken", "user_id", "taken_at"),
        Index("ix_attendance_clocks_status", "status", "received_at"),
        Index("ix_attendance_clocks_device", "device_id", "taken_at"),
        Index("ix_attendance_clocks_day", "project_id", "business_date"),
        # the repeated-coordinates check is an equality lookup per clock (services/attendance/fraud.py)
        Index("ix_attendance_clocks_coordinates", "project_id", "lat", "lng"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    source: Mapped[str] = mapped_column(String(16), default=ClockSource.FACE.value)
    taken_at: Mapped[datetime]  # when the phone says the worker clocked (offline: earlier than received)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    business_date: Mapped[date] = mapped_column(Date)
    lat: Mapped[float] = mapped_column(Double)  # GCJ-02
    lng: Mapped[float] = mapped_column(Double)
    accuracy_m: Mapped[float] = mapped_column(Double)
    distance_m: Mapped[float | None] = mapped_column(Double)  # to the fence (0 inside)
    device_id: Mapped[str | None] = mapped_column(String(64))
    # unique: a face check is used by one clock at most
    face_check_id: Mapped[int | None] = mapped_column(ForeignKey("face_checks.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ClockStatus.PENDING.value)
    reason_code: Mapped[str | None] = mapped_column(String(40))  # why rejected / retry
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)  # codes, services/attendance/reasons.py
    # the other worker whose template the face matched (buddy punching): labour manager only
    buddy_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_count: Mapped[int] = mapped_column(default=0)  # later repeats folded into this clock
    witnessed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttendanceDay(Base):
    """A worker's business day on a project: the unit the leader confirms and payroll pays."""

    __tablename__ = "attendance_days"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id", "business_date", name="uq_attendance_day"),
        Index("ix_attendance_days_team_date", "team_id", "business_date"),
        # a project's days in a date range, index-only for the readers that scan many of them (payroll's
        # build, the warning rules): every column they read, after the (project, date) range they ask for
        Index("ix_attendance_days_project_date_cover", "project_id", "business_date", "user_id", "team_id",
              "confirmed_by", "status", "corrected", "confirmed_at", "worked_minutes"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    business_date: Mapped[date] = mapped_column(Date)
    first_in: Mapped[datetime | None]
    last_out: Mapped[datetime | None]
    # what to pay: the correction when there is one, else the computed values
    status: Mapped[str] = mapped_column(String(16))
    worked_minutes: Mapped[int] = mapped_column(default=0)
    computed_status: Mapped[str] = mapped_column(String(16))
    computed_worked_minutes: Mapped[int] = mapped_column(default=0)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)  # union of the counted clocks' flags
    corrected: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DayCorrection(Base):
    """A leader's correction of a day, kept with the values it replaced (audited too)."""

    __tablename__ = "attendance_corrections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("attendance_days.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    from_worked_minutes: Mapped[int]
    to_status: Mapped[str] = mapped_column(String(16))
    to_worked_minutes: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    corrected_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Dispute(Base):
    """A worker disputes a day; the leader or labour manager answers. Open ones block payroll."""

    __tablename__ = "attendance_disputes"
    __table_args__ = (Index("ix_attendance_disputes_project", "project_id", "status", "business_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    business_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DisputeStatus.OPEN.value)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttendanceRules(Base):
    """A project's attendance rules; a project without a row uses the defaults in the columns."""

    __tablename__ = "attendance_rules"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    # minutes after 00:00 Asia/Shanghai at which a business day starts (night shifts: e.g. 240)
    day_starts_minute: Mapped[int] = mapped_column(default=0)
    full_day_minutes: Mapped[int] = mapped_column(default=480)
    half_day_minutes: Mapped[int] = mapped_column(default=240)
    late_upload_hours: Mapped[int] = mapped_column(default=24)
    merge_window_minutes: Mapped[int] = mapped_column(default=5)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttendanceMonthLock(Base):
    """Set when a month's payroll is approved: the month's days no longer change."""

    __tablename__ = "attendance_month_locks"
    __table_args__ = (UniqueConstraint("project_id", "month", name="uq_attendance_month_lock"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    locked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reference: Mapped[str | None] = mapped_column(String(64))  # e.g. "payroll:12"
    locked_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "AttendanceDay", "AttendanceMonthLock", "AttendanceRules", "Clock", "ClockSource", "ClockStatus",
    "COUNTED_CLOCK_STATUSES", "DayCorrection", "DayStatus", "Direction", "Dispute", "DisputeStatus",
]
