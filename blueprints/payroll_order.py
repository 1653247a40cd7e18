"""Payroll in the law's order: slips sent to the workers before submission, lines held or released,
the general contractor's review (Art. 28), the payment voucher and the wage ledger."""

from __future__ import annotations

from blueprints.api import XLSX, actor_id, answer, api_blueprint, download, login_required, writes
from blueprints.contract import raises
from blueprints.contracts import font_settings
from schemas.common import ProjectPath
from schemas.payroll import (
    AdvanceAcknowledged,
    DeductionPath,
    LedgerQuery,
    LineOut,
    LinePath,
    LineReasonIn,
    MyDeductionList,
    MyDeductionOut,
    PayrollOut,
    PayrollPath,
    SignatureForm,
)
from services.contracts.signing import SIGNATURE_MAX_BYTES
from services.payroll import approval, deductions, documents, ledger, order

bp = api_blueprint("payroll_order", __name__, "payroll", "工资：月度工资表、复核审批、专户代发、工资条签字、工资表导出")


@bp.post("/payrolls/<int:payroll_id>/issue-slips", responses={200: PayrollOut},
         summary="把工资条发给工人确认（编制人；重新生成后发出尚未发出的，工人确认后才能提交）")
@login_required
@raises("COMPANY_NOT_EMPLOYER", "FORBIDDEN", "PAYROLL_NOT_DRAFT", "PAYROLL_NOT_FOUND", "PROJECT_NOT_FOUND", "PAYROLL_OWN_LINE")
def issue_slips(path: PayrollPath):
    return answer(PayrollOut.of(order.issue_slips(actor_id(), path.payroll_id)))


@bp.post("/payrolls/<int:payroll_id>/lines/<int:line_id>/hold", responses={200: LineOut},
         summary="暂缓发放某条明细（如有异议），转入当月补发工资表，其他人照常发放（须写原因）")
@login_required
@raises("FORBIDDEN", "LINE_NOT_FOUND", "PAYROLL_NOT_DRAFT", "PAYROLL_NOT_FOUND", "PROJECT_NOT_FOUND",
        "SLIP_NOT_OPEN")
def hold_line(path: LinePath, body: LineReasonIn):
    return answer(LineOut.of(order.hold_line(actor_id(), path.payroll_id, path.line_id, body.reason)))


@bp.post("/payrolls/<int:payroll_id>/lines/<int:line_id>/release", responses={200: LineOut},
         summary="放行联系不上的工人的明细（确认期满后；须写原因；审计并向监理预警）")
@login_required
@raises("ADVANCE_UNACKNOWLEDGED", "CONFIRM_WINDOW_OPEN", "FORBIDDEN", "LINE_NOT_FOUND", "PAYROLL_NOT_DRAFT", "PAYROLL_NOT_FOUND",
        "PROJECT_NOT_FOUND", "SLIP_NOT_OPEN")
def release_line(path: LinePath, body: LineReasonIn):
    return answer(LineOut.of(order.release_line(actor_id(), path.payroll_id, path.line_id, body.reason)))


@bp.post("/payrolls/<int:payroll_id>/review", responses={200: PayrollOut},
         summary="审核分包单位编制的工资表（总包劳资专管员；《条例》第二十八条；不能审核自己编制的）")
@login_required
@raises("FORBIDDEN", "PAYROLL_NO_REVIEW", "PAYROLL_NOT_FOUND", "PAYROLL_NOT_SUBMITTED", "PAYROLL_SELF_REVIEW",
        "PAYROLL_STALE", "PROJECT_NOT_FOUND")
def review_payroll(path: PayrollPath):
    return answer(PayrollOut.of(approval.review_payroll(actor_id(), path.payroll_id)))


@bp.get("/payrolls/<int:payroll_id>/voucher.pdf", responses={200: None},
        summary="代发凭证 PDF（银行回单后；用人单位、工资专户、每条已发放明细与合计；SHA-256 写入审计链；"
                "每组已发放明细首次下载时出具并保存原件，此后逐字节不变）")
@login_required
@raises("FORBIDDEN", "PAYROLL_NOT_FOUND", "PDF_FONT_MISSING", "PROJECT_NOT_FOUND", "VOUCHER_NOT_READY",
        "STORAGE_UNAVAILABLE")
@writes
def get_voucher_pdf(path: PayrollPath):
    payroll, body, sha = documents.voucher_pdf(actor_id(), path.payroll_id, font_settings())
    resp = download(body, "application/pdf", f"payroll-{payroll.id}-voucher.pdf")
    resp.headers["X-Content-SHA256"] = sha
    resp.headers["X-Document-State"] = "issued"
    return resp


@bp.get("/projects/<int:project_id>/exports/wage-ledger.xlsx", responses={200: None},
        summary="工资支付台账 Excel（劳资专管员、项目管理员；含完整身份证号与电话，每份一次审计）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@writes
def get_wage_ledger(path: ProjectPath, query: LedgerQuery):
    chunks = ledger.wage_ledger_xlsx(actor_id(), path.project_id, query.month_from, query.month_to)
    return download(chunks, XLSX, f"wage-ledger-{path.project_id}-{query.month_from}-{query.month_to}.xlsx")


@bp.get("/me/payroll-deductions", responses={200: MyDeductionList}, summary="我的扣款（含借支，供签字确认）")
@login_required
@raises()
def list_my_deductions():
    return answer(MyDeductionList(items=[MyDeductionOut.model_validate(x) for x in deductions.my_deductions(actor_id())]))


@bp.post("/payroll-deductions/<int:deduction_id>/acknowledge", responses={200: AdvanceAcknowledged},
         summary="工人对本人借支签字确认（手写签名 PNG，multipart 字段 signature）")
@login_required
@raises("DEDUCTION_NOT_FOUND", "SIGNATURE_INVALID")
def acknowledge_advance(path: DeductionPath, form: SignatureForm):
    png = form.signature.stream.read(SIGNATURE_MAX_BYTES + 1)
    return answer(AdvanceAcknowledged.model_validate(deductions.acknowledge_advance(actor_id(), path.deduction_id, png)))
