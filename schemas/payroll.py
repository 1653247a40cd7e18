"""Payroll: payrolls and their lines, deductions, piece work, bank results, pay slips."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field, model_validator

from models.payroll import Payroll, PayrollLine, PieceWork
from schemas.common import FromRow, Listed, ListQuery, Strict, UploadAnswer

Id = Field(ge=1, le=2**53)
MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
PayrollStatus = Literal["draft", "submitted", "rejected", "approved"]
PaymentStatus = Literal["unpaid", "issued", "paid", "failed", "nothing_due"]
SlipStatus = Literal["issued", "confirmed", "disputed"]
WageType = Literal["day", "piece", "month"]


class PayrollPath(BaseModel):
    payroll_id: int = Id


class PayslipPath(BaseModel):
    payslip_id: int = Id


class PiecePath(BaseModel):
    piece_id: int = Id


class PayrollIn(Strict):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM；当月也可提前结算（如工人退场）")


class DeferIn(Strict):
    user_id: int | None = Field(default=None, ge=1, le=2**53, description="顺延一名工人")
    user_ids: list[int] | None = Field(default=None, min_length=1, max_length=100,
                                       description="一次顺延多名工人（如 blockers 中的全部 user_id）；与 user_id 二选一")
    reason: str = Field(min_length=2, max_length=200, description="顺延到下月发放的原因")

    @model_validator(mode="after")
    def _who(self) -> DeferIn:
        if (self.user_id is None) == (self.user_ids is None):
            raise ValueError("user_id 与 user_ids 须给出且只给出一个")
        return self

    def users(self) -> list[int]:
        return [self.user_id] if self.user_id is not None else list(dict.fromkeys(self.user_ids or []))


class PayrollRejectIn(Strict):
    reason: str = Field(min_length=2, max_length=200)


class LinesQuery(ListQuery):
    """The lines of one payroll, a page at a time."""


class Blocker(BaseModel):
    code: str = Field(description="DAYS_UNCONFIRMED / DAYS_MISSING_OUT / DISPUTE_OPEN / BANK_CARD_MISSING / "
                                  "CONTRACT_MISSING / PIECE_UNCONFIRMED")
    message: str
    user_id: int
    name_masked: str
    month: str | None = None
    dates: list[str] | None = None
    dispute_id: int | None = None
    date: str | None = None
    count: int | None = None


class DeductionOut(BaseModel):
    kind: str
    reason: str
    amount_fen: int = Field(description="录入的扣款金额（分）")
    applied_fen: int = Field(description="实际扣除（分）；扣款不会使实发低于 0")


class LineOut(BaseModel):
    id: int
    user_id: int
    name_masked: str
    team_id: int | None
    wage_type: WageType
    rate_fen: int
    days: float = Field(description="已确认出勤天数（半天计 0.5）")
    piece_quantity: float = Field(description="已确认计件数量")
    overtime_minutes: int
    base_fen: int
    overtime_fen: int
    gross_fen: int
    deductions: list[DeductionOut]
    deductions_fen: int
    net_fen: int
    carried_months: list[str] = Field(description="一并发放的此前顺延月份")
    bank_card_masked: str | None
    payment_status: PaymentStatus
    paid_at: dt.datetime | None
    slip_status: SlipStatus

    @classmethod
    def of(cls, x: PayrollLine) -> LineOut:
        return cls(
            id=x.id, user_id=x.user_id, name_masked=x.name_masked, team_id=x.team_id, wage_type=x.wage_type,
            rate_fen=x.rate_fen, days=x.half_days / 2, piece_quantity=x.piece_milli / 1000,
            overtime_minutes=x.overtime_minutes, base_fen=x.base_fen, overtime_fen=x.overtime_fen,
            gross_fen=x.gross_fen, deductions=[DeductionOut(**d) for d in x.deductions],
            deductions_fen=x.deductions_fen, net_fen=x.net_fen, carried_months=x.carried_months,
            bank_card_masked=card_masked(x.bank_card_last4), payment_status=x.payment_status, paid_at=x.paid_at,
            slip_status=x.slip_status)


class PayrollOut(BaseModel):
    id: int
    project_id: int
    month: str
    status: PayrollStatus
    blockers: list[Blocker] = Field(description="未解决前不能提交；监理、建设单位看不到明细，只看 blocker_count")
    blocker_count: int
    line_count: int
    total_gross_fen: int
    total_deductions_fen: int
    total_net_fen: int
    prepared_by: int
    submitted_by: int | None
    decided_by: int | None
    decided_at: dt.datetime | None
    rejection_reason: str | None
    built_at: dt.datetime

    @classmethod
    def of(cls, p: Payroll, *, detailed: bool = True) -> PayrollOut:
        """``detailed``: payroll staff see the blockers (names); supervisors and owners their count."""
        return cls(
            id=p.id, project_id=p.project_id, month=p.month, status=p.status,
            blockers=[Blocker(**b) for b in p.blockers] if detailed else [], blocker_count=len(p.blockers),
            line_count=p.line_count, total_gross_fen=p.total_gross_fen, total_deductions_fen=p.total_deductions_fen,
            total_net_fen=p.total_net_fen, prepared_by=p.prepared_by, submitted_by=p.submitted_by,
            decided_by=p.decided_by, decided_at=p.decided_at, rejection_reason=p.rejection_reason,
            built_at=p.built_at)


class PayrollDetail(PayrollOut):
    lines: list[LineOut] = Field(description="工资明细（分页）；监理、建设单位为空")
    next_cursor: str | None = Field(description="下一页的 cursor；为 null 表示没有更多")


class PayrollList(Listed):
    items: list[PayrollOut]


class BankResultsForm(BaseModel):
    file: FileStorage = Field(description="CSV，UTF-8，表头 line_ref,status,amount_fen,reason")


class BankResultsOut(UploadAnswer):
    paid: int
    failed: int
    unchanged: int


class DeductionIn(Strict):
    user_id: int = Id
    month: str = Field(pattern=MONTH_PATTERN)
    kind: Literal["advance", "other"] = Field(description="advance 借支 / other 其他")
    amount_fen: int = Field(ge=1, le=100_000_000)
    reason: str = Field(min_length=2, max_length=200)


class DeductionCreated(FromRow):
    id: int
    user_id: int
    month: str
    kind: str
    amount_fen: int
    reason: str


class PayrollRulesIn(Strict):
    overtime_after_minutes: int = Field(ge=60, le=1440, description="每天超过多少分钟算加班")
    overtime_percent: int = Field(ge=100, le=300, description="加班按小时工资的百分比计发，如 150")


class PayrollRulesOut(FromRow):
    overtime_after_minutes: int
    overtime_percent: int


class PieceWorkIn(Strict):
    user_id: int = Id
    date: dt.date
    item: str = Field(min_length=1, max_length=64, description="计件项目，如 钢筋绑扎（吨）")
    quantity: float = Field(gt=0, le=1_000_000, description="数量，最多三位小数")


class PieceWorkOut(BaseModel):
    id: int
    user_id: int
    team_id: int
    date: dt.date
    item: str
    quantity: float
    confirmed: bool
    confirmed_at: dt.datetime | None

    @classmethod
    def of(cls, x: PieceWork) -> PieceWorkOut:
        return cls(id=x.id, user_id=x.user_id, team_id=x.team_id, date=x.work_date, item=x.item,
                   quantity=x.quantity_milli / 1000, confirmed=x.confirmed_at is not None,
                   confirmed_at=x.confirmed_at)


class PieceWorkList(Listed):
    items: list[PieceWorkOut]


class PieceQuery(ListQuery):
    project_id: int = Id
    month: str = Field(pattern=MONTH_PATTERN)


class PayslipQuery(ListQuery):
    project_id: int | None = Field(default=None, ge=1, le=2**53)


class PayslipSummary(BaseModel):
    id: int
    project_id: int
    month: str = Field(description="YYYY-MM")
    net_fen: int
    status: SlipStatus
    payment_status: PaymentStatus

    @classmethod
    def of(cls, x: PayrollLine, p: Payroll) -> PayslipSummary:
        return cls(id=x.id, project_id=p.project_id, month=p.month, net_fen=x.net_fen, status=x.slip_status,
                   payment_status=x.payment_status)


class PayslipList(Listed):
    items: list[PayslipSummary]


class PayslipOut(PayslipSummary):
    wage_type: WageType
    rate_fen: int
    days: float
    piece_quantity: float
    overtime_minutes: int
    overtime_fen: int
    gross_fen: int
    deductions: list[DeductionOut]
    deductions_fen: int
    paid_at: dt.datetime | None
    bank_card_masked: str | None
    bank_name: str | None
    confirmed_at: dt.datetime | None
    dispute_reason: str | None
    signature_url: str | None = Field(default=None, json_schema_extra={"format": "uri"},
                                      description="本人手写签名图片的短期签名链接（<image src> 直接用，几分钟内有效）；未签字为 null")

    @classmethod
    def of(cls, x: PayrollLine, p: Payroll) -> PayslipOut:  # type: ignore[override]
        return cls(
            **PayslipSummary.of(x, p).model_dump(), wage_type=x.wage_type, rate_fen=x.rate_fen, days=x.half_days / 2,
            piece_quantity=x.piece_milli / 1000, overtime_minutes=x.overtime_minutes, overtime_fen=x.overtime_fen,
            gross_fen=x.gross_fen, deductions=[DeductionOut(**d) for d in x.deductions],
            deductions_fen=x.deductions_fen, paid_at=x.paid_at, bank_card_masked=card_masked(x.bank_card_last4),
            bank_name=x.bank_name, confirmed_at=x.confirmed_at, dispute_reason=x.dispute_reason)


class PayslipConfirmed(PayslipOut, UploadAnswer):
    """The confirm upload's answer: the slip, plus ``replayed`` (wx.uploadFile sees no headers)."""


class SignatureForm(BaseModel):
    signature: FileStorage = Field(description="手写签名 PNG")


class PayslipDisputeIn(Strict):
    reason: str = Field(min_length=2, max_length=500)


class SubscriptionOut(BaseModel):
    remaining: int = Field(description="还可接收的工资条通知次数（每次同意订阅 +1）")


def card_masked(last4: str | None) -> str | None:
    return f"**** **** **** {last4}" if last4 else None
