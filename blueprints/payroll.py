"""Payroll: monthly drafts, maker-checker, the bank batch and results, the wage sheet, pay slips."""

from __future__ import annotations

from typing import Any

from blueprints.api import (
    XLSX,
    actor_id,
    answer,
    api_blueprint,
    download,
    login_required,
    next_cursor,
    page_from,
    writes,
)
from blueprints.contract import raises
from blueprints.contracts import font_settings
from blueprints.miniprogram import media_url
from blueprints.mobile import etag
from models.payroll import Payroll, PayrollLine
from schemas.common import ListQuery, ProjectPath, TeamPath
from schemas.payroll import (
    BankResultsForm,
    BankResultsOut,
    DeductionCreated,
    DeductionIn,
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
    PayslipConfirmed,
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
)
from services.payroll import approval, bank, build, deductions, documents, inputs, reading, sheets, slips
from services.payroll.bank import RESULTS_MAX_BYTES

bp = api_blueprint("payroll", __name__, "payroll", "工资：月度工资表、复核审批、专户代发、工资条签字、工资表导出")




# ---------------------------------------------------------------- the payroll office


@bp.post("/projects/<int:project_id>/payrolls", responses={201: PayrollOut},
         summary="生成（或重新生成）用人单位的月度工资表草稿（总包劳资专管员或分包劳资员；只计已确认考勤，问题列在 blockers；"
                 "supplementary=true 为暂缓明细做补发工资表）")
@login_required
@raises("COMPANY_NOT_EMPLOYER", "FORBIDDEN", "MONTH_IN_FUTURE", "NOTHING_HELD", "PAYROLL_NOT_DRAFT",
        "PAYROLL_OWN_LINE", "PROJECT_NOT_FOUND")
def create_payroll(path: ProjectPath, body: PayrollIn):
    payroll = build.build_payroll(actor_id(), path.project_id, body.month, body.company_id,
                                  supplementary=body.supplementary)
    return answer(PayrollOut.of(payroll), 201)


@bp.get("/projects/<int:project_id>/payrolls", responses={200: PayrollList},
        summary="项目的工资表（状态与合计；监理、建设单位可看）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@etag
def list_payrolls(path: ProjectPath, query: ListQuery):
    paged = reading.project_payrolls(actor_id(), path.project_id, page_from(query))
    return answer(PayrollList(items=[PayrollOut.of(p, detailed=False) for p in paged.items],
                              next_cursor=next_cursor(paged)))


@bp.get("/payrolls/<int:payroll_id>", responses={200: PayrollDetail},
        summary="工资表详情与明细 lines（分页）；监理、建设单位只看状态与合计")
@login_required
@raises("FORBIDDEN", "PAYROLL_NOT_FOUND", "PROJECT_NOT_FOUND")
@etag
def get_payroll(path: PayrollPath, query: LinesQuery):
    view = reading.payroll_view(actor_id(), path.payroll_id, page_from(query))
    out = PayrollOut.of(view.payroll, detailed=view.detailed)
    return answer(PayrollDetail(**out.model_dump(), lines=[LineOut.of(x) for x in view.lines.items],
                                next_cursor=next_cursor(view.lines)))


@bp.post("/payrolls/<int:payroll_id>/deferrals", responses={200: PayrollOut},
         summary="将工人顺延到下月发放（user_id 一名，或 user_ids 多名；须写原因；其问题不再阻止本月提交）")
@login_required
@raises("FORBIDDEN", "MONTH_IN_FUTURE", "NOT_IN_PAYROLL", "PAYROLL_NOT_DRAFT", "PAYROLL_NOT_FOUND", "PROJECT_NOT_FOUND", "PAYROLL_OWN_LINE")
def defer_worker(path: PayrollPath, body: DeferIn):
    return answer(PayrollOut.of(approval.defer_workers(actor_id(), path.payroll_id, body.users(), body.reason)))


@bp.post("/payrolls/<int:payroll_id>/submit", responses={200: PayrollOut},
         summary="提交（每条工资条都已确认、放行或暂缓；有未解决问题时拒绝）")
@login_required
@raises("FORBIDDEN", "MONTH_IN_FUTURE", "PAYROLL_BLOCKED", "PAYROLL_NOT_DRAFT", "PAYROLL_NOT_FOUND",
        "PAYROLL_OWN_LINE", "PAYSLIPS_UNCONFIRMED", "PROJECT_NOT_FOUND")
def submit_payroll(path: PayrollPath):
    return answer(PayrollOut.of(approval.submit_payroll(actor_id(), path.payroll_id)))


@bp.post("/payrolls/<int:payroll_id>/approve", responses={200: PayrollOut},
         summary="审批通过（工资审批人，且没有编制、提交或审核它；分包的须先审核；锁定当月考勤）")
@login_required
@raises("FORBIDDEN", "PAYROLL_NOT_FOUND", "PAYROLL_NOT_REVIEWED", "PAYROLL_NOT_SUBMITTED", "PAYROLL_OWN_LINE",
        "PAYROLL_SELF_APPROVAL", "PAYROLL_STALE", "PROJECT_NOT_FOUND")
def approve_payroll(path: PayrollPath):
    return answer(PayrollOut.of(approval.approve_payroll(actor_id(), path.payroll_id)))


@bp.post("/payrolls/<int:payroll_id>/reject", responses={200: PayrollOut},
         summary="退回（工资审批人；分包的工资表审核前也可由总包劳资专管员退回；须写原因）")
@login_required
@raises("FORBIDDEN", "PAYROLL_NOT_FOUND", "PAYROLL_NOT_REVIEWED", "PAYROLL_NOT_SUBMITTED", "PAYROLL_OWN_LINE",
        "PAYROLL_SELF_APPROVAL", "PROJECT_NOT_FOUND")
def reject_payroll(path: PayrollPath, body: PayrollRejectIn):
    return answer(PayrollOut.of(approval.reject_payroll(actor_id(), path.payroll_id, body.reason)))


@bp.get("/payrolls/<int:payroll_id>/bank-file", responses={200: None},
        summary="专户代发文件 CSV（未发放的明细；重复生成不变；明文卡号读取记录审计）")
@login_required
@raises("FORBIDDEN", "PAYROLL_NOT_APPROVED", "PAYROLL_NOT_FOUND", "PROJECT_NOT_FOUND")
@writes
def get_bank_file(path: PayrollPath):
    payroll, chunks = bank.bank_file(actor_id(), path.payroll_id, "csv")
    return download(chunks, "text/csv", f"payroll-{payroll.id}-bank.csv")


@bp.get("/payrolls/<int:payroll_id>/bank-file.xlsx", responses={200: None}, summary="专户代发文件（Excel）")
@login_required
@raises("FORBIDDEN", "PAYROLL_NOT_APPROVED", "PAYROLL_NOT_FOUND", "PROJECT_NOT_FOUND")
@writes
def get_bank_file_xlsx(path: PayrollPath):
    payroll, chunks = bank.bank_file(actor_id(), path.payroll_id, "xlsx")
    return download(chunks, XLSX, f"payroll-{payroll.id}-bank.xlsx")


@bp.post("/payrolls/<int:payroll_id>/bank-results", responses={200: BankResultsOut},
         summary="导入银行回单 CSV（line_ref,status,amount_fen,reason；重复导入不变，金额或编号不符整份拒绝）")
@login_required
@raises("BANK_RESULTS_INVALID", "BANK_RESULTS_MISMATCH", "FORBIDDEN", "PAYROLL_NOT_APPROVED", "PAYROLL_NOT_FOUND",
        "PROJECT_NOT_FOUND")
def import_bank_results(path: PayrollPath, form: BankResultsForm):
    outcome = bank.import_results(actor_id(), path.payroll_id, form.file.stream.read(RESULTS_MAX_BYTES + 1))
    return answer(BankResultsOut(paid=outcome.paid, failed=outcome.failed, unchanged=outcome.unchanged))


@bp.get("/payrolls/<int:payroll_id>/wage-sheet.xlsx", responses={200: None}, summary="工资表 Excel（含签字确认）")
@login_required
@raises("FORBIDDEN", "PAYROLL_NOT_FOUND", "PROJECT_NOT_FOUND")
@writes
def get_wage_sheet_xlsx(path: PayrollPath):
    payroll, chunks = sheets.wage_sheet_xlsx(actor_id(), path.payroll_id)
    return download(chunks, XLSX, f"wage-sheet-{payroll.month}-{payroll.id}.xlsx")


@bp.get("/payrolls/<int:payroll_id>/wage-sheet.pdf", responses={200: None},
        summary="工资表 PDF（含工人手写签名；审批通过且全部发放完毕后首次下载时保存原件，此后逐字节不变）")
@login_required
@raises("FORBIDDEN", "PAYROLL_NOT_FOUND", "PDF_FONT_MISSING", "PROJECT_NOT_FOUND", "STORAGE_UNAVAILABLE")
@writes
def get_wage_sheet_pdf(path: PayrollPath):
    payroll, body, kept = documents.wage_sheet_pdf(actor_id(), path.payroll_id, font_settings())
    resp = download(body, "application/pdf", f"wage-sheet-{payroll.month}-{payroll.id}.pdf")
    resp.headers["X-Document-State"] = "issued" if kept else "draft"
    return resp


@bp.post("/projects/<int:project_id>/payroll-deductions", responses={201: DeductionCreated},
         summary="录入法定扣款（用人单位；须写原因与依据；赔偿每月≤20%且不低于最低工资；不得罚款）")
@login_required
@raises("ATTENDANCE_LOCKED", "DEDUCTION_KIND_INVALID", "DEDUCTION_OVER_LIMIT", "FORBIDDEN", "MINIMUM_WAGE_UNSET",
        "MONTH_IN_FUTURE", "NOT_PROJECT_WORKER", "PROJECT_NOT_FOUND")
def create_deduction(path: ProjectPath, body: DeductionIn):
    row = deductions.add_deduction(actor_id(), path.project_id, **body.model_dump())
    return answer(DeductionCreated.model_validate(row), 201)


@bp.get("/projects/<int:project_id>/payroll-rules", responses={200: PayrollRulesOut}, summary="项目加班计薪规则")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@etag
def get_payroll_rules(path: ProjectPath):
    row = inputs.get_rules(actor_id(), path.project_id)
    return answer(PayrollRulesOut.model_validate(row))


@bp.put("/projects/<int:project_id>/payroll-rules", responses={200: PayrollRulesOut},
        summary="设置项目工资规则（加班、工资条确认期、退场结算期限、当地最低工资、发薪日）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
def update_payroll_rules(path: ProjectPath, body: PayrollRulesIn):
    row = inputs.set_rules(actor_id(), path.project_id, **body.model_dump())
    return answer(PayrollRulesOut.model_validate(row))


@bp.post("/teams/<int:team_id>/piece-work", responses={201: PieceWorkOut}, summary="录入计件数量（班组长；工人确认后计薪）")
@login_required
@raises("ATTENDANCE_LOCKED", "DAY_IN_FUTURE", "FORBIDDEN", "NOT_TEAM_MEMBER", "PROJECT_NOT_FOUND", "TEAM_NOT_FOUND", "ATTENDANCE_SELF_CONFIRM")
def create_piece_work(path: TeamPath, body: PieceWorkIn):
    row = inputs.enter_piece_work(actor_id(), path.team_id, user_id=body.user_id, work_date=body.date,
                                  item=body.item, quantity_milli=round(body.quantity * 1000))
    return answer(PieceWorkOut.of(row), 201)


# ---------------------------------------------------------------- the worker


@bp.get("/me/piece-work", responses={200: PieceWorkList}, summary="我的计件记录（待确认与已确认）")
@login_required
@raises()
@etag
def list_my_piece_work(query: PieceQuery):
    paged = inputs.my_piece_work(actor_id(), query.project_id, query.month, page_from(query))
    return answer(PieceWorkList(items=[PieceWorkOut.of(x) for x in paged.items], next_cursor=next_cursor(paged)))


@bp.post("/piece-work/<int:piece_id>/confirm", responses={200: PieceWorkOut}, summary="工人确认计件数量")
@login_required
@raises("ATTENDANCE_LOCKED", "PIECE_WORK_ALREADY_CONFIRMED", "PIECE_WORK_NOT_FOUND")
def confirm_piece_work(path: PiecePath):
    return answer(PieceWorkOut.of(inputs.confirm_piece_work(actor_id(), path.piece_id)))


@bp.get("/me/payslips", responses={200: PayslipList}, summary="我的工资条")
@login_required
@raises()
@etag
def list_my_payslips(query: PayslipQuery):
    paged = slips.my_payslips(actor_id(), query.project_id, page_from(query))
    return answer(PayslipList(items=[PayslipSummary.of(x, p) for x, p in paged.items], next_cursor=next_cursor(paged)))


def payslip_out(model: type[PayslipOut], line: PayrollLine, payroll: Payroll, *rest: Any) -> PayslipOut:
    out = model.of(line, payroll, *rest)
    if line.signature_object_id is not None:
        out.signature_url = media_url("payslip-signature", line.id, actor_id())
    return out


@bp.get("/payslips/<int:payslip_id>", responses={200: PayslipOut}, summary="工资条详情（本人）")
@login_required
@raises("PAYSLIP_NOT_FOUND")
@etag
def get_payslip(path: PayslipPath):
    return answer(payslip_out(PayslipOut, *slips.get_payslip(actor_id(), path.payslip_id)))


@bp.post("/payslips/<int:payslip_id>/confirm", responses={200: PayslipConfirmed},
         summary="签字确认工资条（提交总包前；手写签名 PNG，multipart 字段 signature）")
@login_required
@raises("PAYSLIP_ALREADY_CONFIRMED", "PAYSLIP_NOT_FOUND", "PAYSLIP_NOT_OPEN", "SIGNATURE_INVALID", "STORAGE_UNAVAILABLE")
def confirm_payslip(path: PayslipPath, form: SignatureForm):
    png = form.signature.stream.read(slips.SIGNATURE_MAX_BYTES + 1)
    slips.confirm_payslip(actor_id(), path.payslip_id, png)
    return answer(payslip_out(PayslipConfirmed, *slips.get_payslip(actor_id(), path.payslip_id)))


@bp.post("/payslips/<int:payslip_id>/dispute", responses={200: PayslipOut},
         summary="对工资条提出异议（用人单位更正后重新发来，或暂缓到补发工资表）")
@login_required
@raises("PAYSLIP_ALREADY_CONFIRMED", "PAYSLIP_NOT_FOUND", "PAYSLIP_NOT_OPEN")
def dispute_payslip(path: PayslipPath, body: PayslipDisputeIn):
    slips.dispute_payslip(actor_id(), path.payslip_id, body.reason)
    return answer(payslip_out(PayslipOut, *slips.get_payslip(actor_id(), path.payslip_id)))


@bp.post("/me/payslip-subscription", responses={200: SubscriptionOut},
         summary="记录一次工资条订阅消息授权（wx.requestSubscribeMessage 同意后调用）")
@login_required
@raises()
def create_payslip_subscription():
    return answer(SubscriptionOut(remaining=slips.subscribe(actor_id()).remaining))
