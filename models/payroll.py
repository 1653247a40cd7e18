"""Payroll: the monthly wage sheet (工资表) of a project, its lines (one per worker, which are also
the worker's pay slips), bank payment attempts, deductions, piece-work quantities, deferrals,
the project's overtime rule and the workers' subscribe-message quota.

Money is integer fen everywhere. A payroll's lines are rebuilt while it is a draft and frozen
once it is approved; nothing here is ever deleted (wage sheets are kept at least 3 years).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class PayrollStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # every line confirmed, released or held; waiting for review (subcontractor) or approval
    REVIEWED = "reviewed"  # a subcontractor's payroll the general contractor's labour manager reviewed (Art. 28)
    REJECTED = "rejected"  # sent back; posting the month again rebuilds it as a draft
    APPROVED = "approved"  # lines frozen, the month's attendance locked


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    ISSUED = "issued"  # in a bank file, no result yet
    PAID = "paid"
    FAILED = "failed"  # the bank refused it; re-issued in the next bank file
    NOTHING_DUE = "nothing_due"  # net 0: nothing to send
    HELD = "held"  # held from this payroll: paid by the month's supplementary payroll


class PayrollKind(StrEnum):
    MONTHLY = "monthly"
    SUPPLEMENTARY = "supplementary"  # the held lines of a month, paid once their dispute is settled
    SETTLEMENT = "settlement"  # one leaving worker's unpaid days (退场结算)


class SlipStatus(StrEnum):
    DRAFT = "draft"  # not yet sent to the worker
    TO_CONFIRM = "to_confirm"  # sent; the worker confirms or disputes before the payroll is submitted
    CONFIRMED = "confirmed"  # signed by the worker in the app
    DISPUTED = "disputed"
    RELEASED = "released"  # not reached within the confirmation window: released by the preparer, with a reason
    HELD = "held"  # left for the supplementary payroll of the month


PAYABLE_SLIPS = (SlipStatus.CONFIRMED.value, SlipStatus.RELEASED.value)


class Payroll(Base):
    __tablename__ = "payrolls"
    # one payroll per project, month, employer, kind and sequence (supplementary and settlement ones count up)
    __table_args__ = (UniqueConstraint("project_id", "month", "company_id", "kind", "seq", name="uq_payroll_employer_month"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))  # the employer (用人单位)
    kind: Mapped[str] = mapped_column(String(16), default=PayrollKind.MONTHLY.value)
    seq: Mapped[int] = mapped_column(default=0)
    needs_review: Mapped[bool] = mapped_column(default=False)  # prepared by a subcontractor: the GC reviews
    settlement_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(Date)  # a settlement's due date (settlement_days after leaving)
    status: Mapped[str] = mapped_column(String(16), default=PayrollStatus.DRAFT.value)
    blockers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    fingerprint: Mapped[str] = mapped_column(String(64), default="")  # SHA-256 of the built lines
    line_count: Mapped[int] = mapped_column(default=0)
    # a large site's month passes 2^31 fen (21 million yuan): totals are BIGINT
    total_gross_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    total_deductions_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    total_net_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    builds: Mapped[int] = mapped_column(default=0)
    prepared_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PayrollLine(Base):
    """A worker's wage for the payroll's month; after approval it is the worker's pay slip."""

    __tablename__ = "payroll_lines"
    __table_args__ = (
        UniqueConstraint("payroll_id", "user_id", name="uq_payroll_line_user"),
        Index("ix_payroll_lines_user", "user_id", "payroll_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    payroll_id: Mapped[int] = mapped_column(ForeignKey("payrolls.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    name_masked: Mapped[str] = mapped_column(String(64))
    wage_type: Mapped[str] = mapped_column(String(8))
    rate_fen: Mapped[int]
    half_days: Mapped[int] = mapped_column(default=0)  # confirmed days in half-day units
    piece_milli: Mapped[int] = mapped_column(default=0)  # confirmed piece quantity × 1000
    overtime_minutes: Mapped[int] = mapped_column(default=0)
    base_fen: Mapped[int] = mapped_column(default=0)
    overtime_fen: Mapped[int] = mapped_column(default=0)
    gross_fen: Mapped[int] = mapped_column(default=0)
    deductions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # {kind, reason, amount_fen, applied_fen}
    deductions_fen: Mapped[int] = mapped_column(default=0)
    net_fen: Mapped[int] = mapped_column(default=0)
    carried_months: Mapped[list[str]] = mapped_column(JSON, default=list)  # deferred months paid here
    bank_card_last4: Mapped[str | None] = mapped_column(String(4))
    bank_name: Mapped[str | None] = mapped_column(String(64))
    payment_status: Mapped[str] = mapped_column(String(16), default=PaymentStatus.UNPAID.value)
    paid_at: Mapped[datetime | None]
    paid_ref: Mapped[str | None] = mapped_column(String(40))
    slip_status: Mapped[str] = mapped_column(String(16), default=SlipStatus.DRAFT.value)
    slip_version: Mapped[int] = mapped_column(default=0)  # +1 each time the slip is (re)issued
    slip_history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # earlier versions, kept
    issued_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(200))  # why released or held
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    signature_enc: Mapped[str | None] = mapped_column(Text)  # the worker's handwritten name, PNG, encrypted
    signature_sha256: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None]
    dispute_reason: Mapped[str | None] = mapped_column(String(500))
    disputed_at: Mapped[datetime | None]
    notified_at: Mapped[datetime | None]


class PayrollPayment(Base):
    """One attempt to pay one line through the wage account's bank. ``line_ref`` names the
    attempt in the bank file; a failed attempt is followed by a new one in the next file."""

    __tablename__ = "payroll_payments"
    __table_args__ = (Index("ix_payroll_payments_payroll", "payroll_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    payroll_id: Mapped[int] = mapped_column(ForeignKey("payrolls.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("payroll_lines.id"), index=True)
    attempt: Mapped[int]
    line_ref: Mapped[str] = mapped_column(String(40), unique=True)
    amount_fen: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=PaymentStatus.ISSUED.value)
    reason: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    result_at: Mapped[datetime | None]


class PayrollDeduction(Base):
    """A deduction the labour manager enters for a worker's month (an advance, ...), with a reason."""

    __tablename__ = "payroll_deductions"
    __table_args__ = (Index("ix_payroll_deductions_month", "project_id", "month", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    month: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(16))  # services.payroll.deductions.KINDS
    amount_fen: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str | None] = mapped_column(String(200))  # the contract clause, judgment or law relied on
    # an advance (借支) is repaid only with the worker's acknowledgement: this signature, or the slip's
    ack_signature_enc: Mapped[str | None] = mapped_column(Text)
    ack_signature_sha256: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None]
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PieceWork(Base):
    """A piece-work quantity the team leader enters; it pays once the worker confirms it."""

    __tablename__ = "payroll_piece_work"
    __table_args__ = (Index("ix_payroll_piece_work_month", "project_id", "user_id", "work_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    work_date: Mapped[date] = mapped_column(Date)
    item: Mapped[str] = mapped_column(String(64))
    quantity_milli: Mapped[int]  # quantity × 1000 (three decimals, kept integer)
    entered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PayrollDeferral(Base):
    """A worker left out of a month's payroll with a reason; paid with a later month's payroll."""

    __tablename__ = "payroll_deferrals"
    __table_args__ = (UniqueConstraint("payroll_id", "user_id", name="uq_payroll_deferral"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    payroll_id: Mapped[int] = mapped_column(ForeignKey("payrolls.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    month: Mapped[str] = mapped_column(String(7))
    reason: Mapped[str] = mapped_column(String(200))
    deferred_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    carried_to: Mapped[int | None] = mapped_column(ForeignKey("payrolls.id"))  # the approved payroll that paid it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PayrollRules(Base):
    """A project's overtime rule; a project without a row uses the column defaults."""

    __tablename__ = "payroll_rules"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True, autoincrement=False)
    overtime_after_minutes: Mapped[int] = mapped_column(default=480)  # minutes of a day before overtime
    overtime_percent: Mapped[int] = mapped_column(default=150)  # of the hourly rate
    slip_confirm_days: Mapped[int] = mapped_column(default=3)  # days a worker has to confirm before release
    settlement_days: Mapped[int] = mapped_column(default=3)  # a leaving worker is paid within these days
    minimum_wage_fen: Mapped[int] = mapped_column(default=0)  # the local monthly minimum wage; 0 = not set
    pay_day: Mapped[int | None]  # day of the next month; None: the contract's
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PayslipSubscription(Base):
    """How many payslip subscribe messages a worker accepted (wx.requestSubscribeMessage): one each."""

    __tablename__ = "payslip_subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, autoincrement=False)
    remaining: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
