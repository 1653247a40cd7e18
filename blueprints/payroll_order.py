"""Payroll in the law's order: slips sent to the workers before submission, lines held or released,
the general contractor's review (Art. 28), the payment voucher and the wage ledger."""

from __future__ import annotations

from blueprints.api import actor_id, answer, api_blueprint, login_required
from blueprints.contract import raises
from schemas.payroll import LineOut, LinePath, LineReasonIn, PayrollOut, PayrollPath
from services.payroll import approval, order

bp = api_blueprint("payroll_order", __name__, "payroll", "工资：月度工资表、复核审批、专户代发、工资条签字、工资表导出")


@bp.post("/payrolls/<int:payroll_id>/issue-slips", responses={200: PayrollOut},
         summary="把工资条发给工人确认（编制人；重新生成后发出尚未发出的，工人确认后才能提交）")
@login_required
@raises("COMPANY_NOT_EMPLOYER", "FORBIDDEN", "PAYROLL_NOT_DRAFT", "PAYROLL_NOT_FOUND", "PROJECT_NOT_FOUND")
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
@raises("CONFIRM_WINDOW_OPEN", "FORBIDDEN", "LINE_NOT_FOUND", "PAYROLL_NOT_DRAFT", "PAYROLL_NOT_FOUND",
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
