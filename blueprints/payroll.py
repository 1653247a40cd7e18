"""Payroll: monthly drafts, maker-checker, the bank batch and results, the wage sheet, pay slips."""

from __future__ import annotations

from flask import Response

from blueprints.api import answer, api_blueprint, current_user, writes
from blueprints.contracts import font_settings
from models.payroll import Payroll, PayrollLine, PieceWork
from schemas.common import ProjectPath, TeamPath
from schemas.payroll import (
    BankResultsForm,
    BankResultsOut,
    DeductionCreated,
    DeductionIn,
    DeductionOut,
    DeferIn,
    LineOut,
    LinesQuery,
    PayrollDetail,
    PayrollIn,
    PayrollList,
    PayrollOut,
    PayrollPath,
    PayrollRejectIn,
    PayrollRulesIn,
    PayrollRulesOut,
    PayslipDisputeIn,
    PayslipList,
    PayslipOut,
    PayslipPath,
    PayslipQuery,
    PayslipSummary,
    PiecePath,
    PieceQuery,
    PieceWorkIn,
    PieceWorkList,
    PieceWorkOut,
    SignatureForm,
    SubscriptionOut,
    blockers_of,
    card_masked,
)
from services.payroll import approval, bank, build, inputs, reading, sheets, slips
from services.payroll.bank import RESULTS_MAX_BYTES

bp = api_blueprint("payroll", __name__, "payroll", "工资：月度工资表、复核审批、专户代发、工资条签字、工资表导出")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def payroll_out(p: Payroll, *, detailed: bool = True) -> PayrollOut:
    return PayrollOut(
        id=p.id, project_id=p.project_id, month=p.month, status=p.status,
        blockers=blockers_of(p.blockers) if detailed else [], blocker_count=len(p.blockers),
        line_count=p.line_count, total_gross_fen=p.total_gross_fen, total_deductions_fen=p.total_deductions_fen,
        total_net_fen=p.total_net_fen, prepared_by=p.prepared_by, submitted_by=p.submitted_by,
        decided_by=p.decided_by, decided_at=p.decided_at, rejection_reason=p.rejection_reason, built_at=p.built_at)


def line_out(x: PayrollLine) -> LineOut:
    return LineOut(
        id=x.id, user_id=x.user_id, name_masked=x.name_masked, team_id=x.team_id, wage_type=x.wage_type,
        rate_fen=x.rate_fen, days=x.half_days / 2, piece_quantity=x.piece_milli / 1000,
        overtime_minutes=x.overtime_minutes, base_fen=x.base_fen, overtime_fen=x.overtime_fen, gross_fen=x.gross_fen,
        deductions=[DeductionOut(**d) for d in x.deductions], deductions_fen=x.deductions_fen, net_fen=x.net_fen,
        carried_months=x.carried_months, bank_card_masked=card_masked(x.bank_card_last4),
        payment_status=x.payment_status, paid_at=x.paid_at, slip_status=x.slip_status)


def slip_summary(x: PayrollLine, p: Payroll) -> PayslipSummary:
    return PayslipSummary(id=x.id, project_id=p.project_id, month=p.month, net_fen=x.net_fen, status=x.slip_status,
                          payment_status=x.payment_status)


def slip_out(x: PayrollLine, p: Payroll) -> PayslipOut:
    return PayslipOut(
        **slip_summary(x, p).model_dump(), wage_type=x.wage_type, rate_fen=x.rate_fen, days=x.half_days / 2,
        piece_quantity=x.piece_milli / 1000, overtime_minutes=x.overtime_minutes, overtime_fen=x.overtime_fen,
        gross_fen=x.gross_fen, deductions=[DeductionOut(**d) for d in x.deductions], deductions_fen=x.deductions_fen,
        paid_at=x.paid_at, bank_card_masked=card_masked(x.bank_card_last4), bank_name=x.bank_name,
        confirmed_at=x.confirmed_at, dispute_reason=x.dispute_reason)


def piece_out(x: PieceWork) -> PieceWorkOut:
    return PieceWorkOut(id=x.id, user_id=x.user_id, team_id=x.team_id, date=x.work_date, item=x.item,
                        quantity=x.quantity_milli / 1000, confirmed=x.confirmed_at is not None,
                        confirmed_at=x.confirmed_at)


def download(chunks, mimetype: str, filename: str) -> Response:
    resp = Response(chunks, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename={filename}"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


# ---------------------------------------------------------------- the payroll office


@bp.post("/projects/<int:project_id>/payrolls", responses={201: PayrollOut},
         summary="生成（或重新生成）月度工资表草稿（劳资专管员；只计已确认考勤，问题列在 blockers）")
def create_payroll(path: ProjectPath, body: PayrollIn):
    return answer(payroll_out(build.build_payroll(current_user().id, path.project_id, body.month)), 201)


@bp.get("/projects/<int:project_id>/payrolls", responses={200: PayrollList},
        summary="项目的工资表（状态与合计；监理、建设单位可看）")
def list_payrolls(path: ProjectPath):
    rows = reading.project_payrolls(current_user().id, path.project_id)
    return answer(PayrollList(items=[payroll_out(p, detailed=False) for p in rows]))


@bp.get("/payrolls/<int:payroll_id>", responses={200: PayrollDetail},
        summary="工资表详情与明细 lines（分页）；监理、建设单位只看状态与合计")
def get_payroll(path: PayrollPath, query: LinesQuery):
    view = reading.payroll_view(current_user().id, path.payroll_id, limit=query.limit, cursor=query.cursor)
    out = payroll_out(view.payroll, detailed=view.detailed)
    return answer(PayrollDetail(**out.model_dump(), lines=[line_out(x) for x in view.lines.items],
                                next_cursor=view.lines.next_cursor))


@bp.post("/payrolls/<int:payroll_id>/deferrals", responses={200: PayrollOut},
         summary="将某工人顺延到下月发放（须写原因；其问题不再阻止本月提交）")
def defer(path: PayrollPath, body: DeferIn):
    return answer(payroll_out(approval.defer_worker(current_user().id, path.payroll_id, body.user_id, body.reason)))


@bp.post("/payrolls/<int:payroll_id>/submit", responses={200: PayrollOut}, summary="提交审批（有未解决问题时拒绝）")
def submit(path: PayrollPath):
    return answer(payroll_out(approval.submit_payroll(current_user().id, path.payroll_id)))


@bp.post("/payrolls/<int:payroll_id>/approve", responses={200: PayrollOut},
         summary="审批通过（工资审批人，且不是制表人；锁定当月考勤）")
def approve(path: PayrollPath):
    return answer(payroll_out(approval.approve_payroll(current_user().id, path.payroll_id)))


@bp.post("/payrolls/<int:payroll_id>/reject", responses={200: PayrollOut}, summary="退回（工资审批人，须写原因）")
def reject(path: PayrollPath, body: PayrollRejectIn):
    return answer(payroll_out(approval.reject_payroll(current_user().id, path.payroll_id, body.reason)))


@bp.get("/payrolls/<int:payroll_id>/bank-file", responses={200: None},
        summary="专户代发文件 CSV（未发放的明细；重复生成不变；明文卡号读取记录审计）")
@writes
def bank_file_csv(path: PayrollPath):
    payroll, chunks = bank.bank_file(current_user().id, path.payroll_id, "csv")
    return download(chunks, "text/csv", f"payroll-{payroll.id}-bank.csv")


@bp.get("/payrolls/<int:payroll_id>/bank-file.xlsx", responses={200: None}, summary="专户代发文件（Excel）")
@writes
def bank_file_xlsx(path: PayrollPath):
    payroll, chunks = bank.bank_file(current_user().id, path.payroll_id, "xlsx")
    return download(chunks, XLSX, f"payroll-{payroll.id}-bank.xlsx")


@bp.post("/payrolls/<int:payroll_id>/bank-results", responses={200: BankResultsOut},
         summary="导入银行回单 CSV（line_ref,status,amount_fen,reason；重复导入不变，金额或编号不符整份拒绝）")
def bank_results(path: PayrollPath, form: BankResultsForm):
    outcome = bank.import_results(current_user().id, path.payroll_id, form.file.stream.read(RESULTS_MAX_BYTES + 1))
    return answer(BankResultsOut(paid=outcome.paid, failed=outcome.failed, unchanged=outcome.unchanged))


@bp.get("/payrolls/<int:payroll_id>/wage-sheet.xlsx", responses={200: None}, summary="工资表 Excel（含签字确认）")
@writes
def wage_sheet_xlsx(path: PayrollPath):
    payroll, chunks = sheets.wage_sheet_xlsx(current_user().id, path.payroll_id)
    return download(chunks, XLSX, f"wage-sheet-{payroll.month}-{payroll.id}.xlsx")


@bp.get("/payrolls/<int:payroll_id>/wage-sheet.pdf", responses={200: None}, summary="工资表 PDF（含工人手写签名）")
@writes
def wage_sheet_pdf(path: PayrollPath):
    payroll, body = sheets.wage_sheet_pdf(current_user().id, path.payroll_id, font_settings())
    return download(body, "application/pdf", f"wage-sheet-{payroll.month}-{payroll.id}.pdf")


@bp.post("/projects/<int:project_id>/payroll-deductions", responses={201: DeductionCreated},
         summary="录入扣款（借支等，须写原因；劳资专管员）")
def add_deduction(path: ProjectPath, body: DeductionIn):
    row = inputs.add_deduction(current_user().id, path.project_id, **body.model_dump())
    return answer(DeductionCreated(id=row.id, user_id=row.user_id, month=row.month, kind=row.kind,
                                   amount_fen=row.amount_fen, reason=row.reason), 201)


@bp.get("/projects/<int:project_id>/payroll-rules", responses={200: PayrollRulesOut}, summary="项目加班计薪规则")
def get_rules(path: ProjectPath):
    row = inputs.get_rules(current_user().id, path.project_id)
    return answer(PayrollRulesOut(overtime_after_minutes=row.overtime_after_minutes, overtime_percent=row.overtime_percent))


@bp.put("/projects/<int:project_id>/payroll-rules", responses={200: PayrollRulesOut}, summary="设置项目加班计薪规则")
def put_rules(path: ProjectPath, body: PayrollRulesIn):
    row = inputs.set_rules(current_user().id, path.project_id, **body.model_dump())
    return answer(PayrollRulesOut(overtime_after_minutes=row.overtime_after_minutes, overtime_percent=row.overtime_percent))


@bp.post("/teams/<int:team_id>/piece-work", responses={201: PieceWorkOut}, summary="录入计件数量（班组长；工人确认后计薪）")
def enter_piece_work(path: TeamPath, body: PieceWorkIn):
    row = inputs.enter_piece_work(current_user().id, path.team_id, user_id=body.user_id, work_date=body.date,
                                  item=body.item, quantity_milli=round(body.quantity * 1000))
    return answer(piece_out(row), 201)


# ---------------------------------------------------------------- the worker


@bp.get("/me/piece-work", responses={200: PieceWorkList}, summary="我的计件记录（待确认与已确认）")
def my_piece_work(query: PieceQuery):
    rows = inputs.my_piece_work(current_user().id, query.project_id, query.month)
    return answer(PieceWorkList(items=[piece_out(x) for x in rows]))


@bp.post("/piece-work/<int:piece_id>/confirm", responses={200: PieceWorkOut}, summary="工人确认计件数量")
def confirm_piece_work(path: PiecePath):
    return answer(piece_out(inputs.confirm_piece_work(current_user().id, path.piece_id)))


@bp.get("/me/payslips", responses={200: PayslipList}, summary="我的工资条")
def my_payslips(query: PayslipQuery):
    rows = slips.my_payslips(current_user().id, query.project_id)
    return answer(PayslipList(items=[slip_summary(x, p) for x, p in rows]))


@bp.get("/payslips/<int:payslip_id>", responses={200: PayslipOut}, summary="工资条详情（本人）")
def get_payslip(path: PayslipPath):
    return answer(slip_out(*slips.get_payslip(current_user().id, path.payslip_id)))


@bp.post("/payslips/<int:payslip_id>/confirm", responses={200: PayslipOut},
         summary="签字确认工资条（手写签名 PNG，multipart 字段 signature）")
def confirm_payslip(path: PayslipPath, form: SignatureForm):
    png = form.signature.stream.read(slips.SIGNATURE_MAX_BYTES + 1)
    return answer(slip_out(*slips.confirm_payslip(current_user().id, path.payslip_id, png)))


@bp.post("/payslips/<int:payslip_id>/dispute", responses={200: PayslipOut}, summary="对工资条提出异议")
def dispute_payslip(path: PayslipPath, body: PayslipDisputeIn):
    return answer(slip_out(*slips.dispute_payslip(current_user().id, path.payslip_id, body.reason)))


@bp.post("/me/payslip-subscription", responses={200: SubscriptionOut},
         summary="记录一次工资条订阅消息授权（wx.requestSubscribeMessage 同意后调用）")
def subscribe():
    return answer(SubscriptionOut(remaining=slips.subscribe(current_user().id).remaining))
