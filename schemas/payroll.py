"""Payroll: payrolls and their lines, deductions, piece work, bank results, pay slips."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field

from models.payroll import Payroll, PayrollLine, PieceWork
from schemas.common import FromRow, Listed, ListQuery, Strict

Id = Field(ge=1, le=2**53)
MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
PayrollStatus = Literal["draft", "submitted", "reviewed", "rejected", "approved"]
PaymentStatus = Literal["unpaid", "issued", "paid", "failed", "nothing_due", "held"]
SlipStatus = Literal["draft", "to_confirm", "confirmed", "disputed", "released", "held"]
PayrollKind = Literal["monthly", "supplementary", "settlement"]
DeductionKind = Literal["social_insurance", "income_tax", "advance", "damages", "court_order", "other_lawful"]
WageType = Literal["day", "piece", "month"]


class PayrollPath(BaseModel):
    payroll_id: int = Id


class PayslipPath(BaseModel):
    payslip_id: int = Id


class PiecePath(BaseModel):
    piece_id: int = Id


class LinePath(BaseModel):
    payroll_id: int = Id
    line_id: int = Id


class PayrollIn(Strict):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM；当月也可提前结算（如工人退场）")
    company_id: int | None = Field(default=None, ge=1, le=2**53,
                                   description="用人单位（本项目的总包、专业分包或劳务分包）；默认总包")
    supplementary: bool = Field(default=False, description="true：为该月暂缓（held）的明细另做一张补发工资表")


class LedgerQuery(BaseModel):
    month_from: str = Field(alias="from", pattern=MONTH_PATTERN, description="起始月份 YYYY-MM")
    month_to: str = Field(alias="to", pattern=MONTH_PATTERN, description="截止月份 YYYY-MM")


class LineReasonIn(Strict):
    reason: str = Field(min_length=2, max_length=200, title="原因", description="暂缓或放行的原因（审计、监理可见）")


class DeferIn(Strict):
    user_id: int = Id
    reason: str = Field(min_length=2, max_length=200, description="顺延到下月发放的原因")


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
    kind: str = Field(description="social_insurance 社保个人部分 / income_tax 个税 / advance 借支 / damages 赔偿经济损失 / "
                                  "court_order 法院判决裁定 / other_lawful 其他法定扣款")
    reason: str
    basis: str | None = Field(default=None, description="依据（合同条款、判决书、法规）")
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
    slip_version: int = Field(description="工资条版本；更正后重新发给工人时 +1")
    issued_at: dt.datetime | None = Field(description="本版本发给工人的时间（确认期从此起算）")
    dispute_reason: str | None
    resolution: str | None = Field(description="暂缓或放行的原因")

    @classmethod
    def of(cls, x: PayrollLine) -> LineOut:
        return cls(
            id=x.id, user_id=x.user_id, name_masked=x.name_masked, team_id=x.team_id, wage_type=x.wage_type,
            rate_fen=x.rate_fen, days=x.half_days / 2, piece_quantity=x.piece_milli / 1000,
            overtime_minutes=x.overtime_minutes, base_fen=x.base_fen, overtime_fen=x.overtime_fen,
            gross_fen=x.gross_fen, deductions=[DeductionOut(**d) for d in x.deductions],
            deductions_fen=x.deductions_fen, net_fen=x.net_fen, carried_months=x.carried_months,
            bank_card_masked=card_masked(x.bank_card_last4), payment_status=x.payment_status, paid_at=x.paid_at,
            slip_status=x.slip_status, slip_version=x.slip_version, issued_at=x.issued_at,
            dispute_reason=x.dispute_reason, resolution=x.resolution)


class PayrollOut(BaseModel):
    id: int
    project_id: int
    month: str
    company_id: int = Field(description="用人单位（编制工资表的企业）")
    kind: PayrollKind = Field(description="monthly 月度 / supplementary 补发 / settlement 退场结算")
    needs_review: bool = Field(description="分包单位编制：须总包劳资专管员审核后再审批")
    settlement_user_id: int | None
    due_date: dt.date | None = Field(description="应付日期：月度为发薪日（遇休息日、节假日提前），结算为退场后的期限")
    status: PayrollStatus
    blockers: list[Blocker] = Field(description="未解决前不能提交；监理、建设单位看不到明细，只看 blocker_count")
    blocker_count: int
    line_count: int
    total_gross_fen: int
    total_deductions_fen: int
    total_net_fen: int
    prepared_by: int
    submitted_by: int | None
    reviewed_by: int | None
    reviewed_at: dt.datetime | None
    decided_by: int | None
    decided_at: dt.datetime | None
    rejection_reason: str | None
    built_at: dt.datetime

    @classmethod
    def of(cls, p: Payroll, *, detailed: bool = True) -> PayrollOut:
        """``detailed``: payroll staff see the blockers (names); supervisors and owners their count."""
        return cls(
            id=p.id, project_id=p.project_id, month=p.month, company_id=p.company_id, kind=p.kind,
            needs_review=p.needs_review, settlement_user_id=p.settlement_user_id,
            due_date=p.due_date, status=p.status, reviewed_by=p.reviewed_by, reviewed_at=p.reviewed_at,
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


class BankResultsOut(BaseModel):
    paid: int
    failed: int
    unchanged: int


class DeductionIn(Strict):
    user_id: int = Id
    month: str = Field(pattern=MONTH_PATTERN)
    kind: DeductionKind = Field(description="法定扣款种类（《工资支付暂行规定》第十五、十六条）；没有罚款：social_insurance "
                                            "社保个人部分 / income_tax 个税 / advance 借支（工人签字确认工资条即确认） / "
                                            "damages 赔偿经济损失（按合同；每月≤当月工资20%，且不低于最低工资） / "
                                            "court_order 法院判决裁定 / other_lawful 其他法定扣款")
    amount_fen: int = Field(ge=1, le=100_000_000)
    reason: str = Field(min_length=2, max_length=200)
    basis: str | None = Field(default=None, max_length=200,
                              description="依据：damages、court_order、other_lawful 必填（合同条款、判决书号、法规条文）")


class DeductionPath(BaseModel):
    deduction_id: int = Id


class MyDeductionOut(FromRow):
    id: int
    project_id: int
    month: str
    kind: str
    amount_fen: int
    reason: str
    basis: str | None
    acknowledged_at: dt.datetime | None = Field(description="工人对借支签字确认的时间")


class MyDeductionList(BaseModel):
    items: list[MyDeductionOut]


class DeductionCreated(FromRow):
    id: int
    user_id: int
    month: str
    kind: str
    amount_fen: int
    reason: str
    basis: str | None


class PayrollRulesIn(Strict):
    overtime_after_minutes: int = Field(ge=60, le=1440, description="每天超过多少分钟算加班")
    overtime_percent: int = Field(ge=100, le=300, description="加班按小时工资的百分比计发，如 150")
    slip_confirm_days: int | None = Field(default=None, ge=1, le=15, description="工人确认工资条的期限（天，默认 3）")
    settlement_days: int | None = Field(default=None, ge=1, le=30, description="退场结算的支付期限（天，默认 3）")
    minimum_wage_fen: int | None = Field(default=None, ge=0, le=10_000_000, description="当地月最低工资标准（分）")
    pay_day: int | None = Field(default=None, ge=1, le=31,
                                description="每月几日发放上月工资；不填按劳动合同（模板）约定；遇休息日、节假日提前")


class PayrollRulesOut(FromRow):
    overtime_after_minutes: int
    overtime_percent: int
    slip_confirm_days: int
    settlement_days: int
    minimum_wage_fen: int
    pay_day: int | None


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
    kind: PayrollKind = Field(description="monthly 月度 / supplementary 补发 / settlement 退场结算")
    net_fen: int
    status: SlipStatus = Field(description="to_confirm 待确认 / confirmed 已确认 / disputed 有异议 / released 未确认已放行 / "
                                           "held 暂缓（补发）")
    payment_status: PaymentStatus

    @classmethod
    def of(cls, x: PayrollLine, p: Payroll) -> PayslipSummary:
        return cls(id=x.id, project_id=p.project_id, month=p.month, kind=p.kind, net_fen=x.net_fen,
                   status=x.slip_status, payment_status=x.payment_status)


class SlipDay(BaseModel):
    date: dt.date
    status: str = Field(description="present 全天 / half 半天 / absent 缺勤 / missing_out 缺下班卡 …")
    counted_days: float = Field(description="计入工资的天数（1、0.5 或 0）")
    worked_minutes: int
    overtime_minutes: int
    why: str = Field(description="为什么这样计：班组长确认、更正原因等")


class SlipVersion(BaseModel):
    version: int
    slip_status: str
    gross_fen: int
    deductions_fen: int
    net_fen: int
    days: float
    dispute_reason: str | None = None
    issued_at: str | None = None


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
    version: int = Field(description="工资条版本")
    issued_at: dt.datetime | None
    resolution: str | None = Field(description="暂缓或放行的原因")
    employer: str = Field(description="用人单位")
    day_list: list[SlipDay] = Field(description="计入的每一天及原因")
    history: list[SlipVersion] = Field(description="此前的版本（更正前的内容）")

    @classmethod
    def of(cls, x: PayrollLine, p: Payroll, employer: str = "",  # type: ignore[override]
           days: list[dict] | None = None) -> PayslipOut:
        return cls(employer=employer, day_list=[SlipDay(**d) for d in days or []],
                   history=[SlipVersion(**h) for h in x.slip_history], version=x.slip_version,
                   issued_at=x.issued_at, resolution=x.resolution,
            **PayslipSummary.of(x, p).model_dump(), wage_type=x.wage_type, rate_fen=x.rate_fen, days=x.half_days / 2,
            piece_quantity=x.piece_milli / 1000, overtime_minutes=x.overtime_minutes, overtime_fen=x.overtime_fen,
            gross_fen=x.gross_fen, deductions=[DeductionOut(**d) for d in x.deductions],
            deductions_fen=x.deductions_fen, paid_at=x.paid_at, bank_card_masked=card_masked(x.bank_card_last4),
            bank_name=x.bank_name, confirmed_at=x.confirmed_at, dispute_reason=x.dispute_reason)


class SignatureForm(BaseModel):
    signature: FileStorage = Field(description="手写签名 PNG")


class PayslipDisputeIn(Strict):
    reason: str = Field(min_length=2, max_length=500)


class SubscriptionOut(BaseModel):
    remaining: int = Field(description="还可接收的工资条通知次数（每次同意订阅 +1）")


def card_masked(last4: str | None) -> str | None:
    return f"**** **** **** {last4}" if last4 else None
