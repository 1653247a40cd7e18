"""'Your pay slip is ready to confirm': a WeChat subscribe message to each worker whose slip was
issued (services/payroll/order.issue_slips) and who accepted one (services/payroll/slips.subscribe). Sent by the RQ job workers.payroll.notify_payslips,
one message at a time: a line is marked ``notified_at`` as its message leaves, so a retried
job never sends twice and a worker without an accepted subscription is skipped.
"""

from __future__ import annotations

from sqlalchemy import select

from models import Project, User, db
from models.base import utcnow
from models.payroll import Payroll, PayrollLine, PayslipSubscription, SlipStatus
from services import wechat
from services.days import business_day

PAYSLIP_TEMPLATE_ID = "siteroll-payslip-ready"  # the subscribe-message template registered for the mini-program
PAYSLIP_PAGE = "pages/payslip/detail?id={line_id}"


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def lines_to_notify(payroll_id: int) -> list[int]:
    payroll = db.session.get(Payroll, payroll_id)
    if payroll is None:
        return []
    return list(db.session.execute(select(PayrollLine.id).join(
        PayslipSubscription, PayslipSubscription.user_id == PayrollLine.user_id).where(
        PayrollLine.payroll_id == payroll_id, PayrollLine.notified_at.is_(None),
        PayrollLine.slip_status != SlipStatus.DRAFT.value,
        PayslipSubscription.remaining > 0).order_by(PayrollLine.id)).scalars())


def notify_payslip(line_id: int) -> bool:
    """Send one line's message (True when sent); the caller commits right after."""
    line = db.session.get(PayrollLine, line_id)
    sub = db.session.get(PayslipSubscription, line.user_id) if line else None
    if line is None or line.notified_at is not None or sub is None or sub.remaining <= 0:
        return False
    payroll = db.session.get(Payroll, line.payroll_id)
    project = db.session.get(Project, payroll.project_id)
    user = db.session.get(User, line.user_id)
    data = {"thing1": {"value": f"{payroll.month} 工资条待确认"[:20]}, "thing2": {"value": project.name[:20]},
            "amount3": {"value": f"{yuan(line.net_fen)}元"}, "date4": {"value": business_day().isoformat()}}
    wechat.send_subscribe_message(user.openid, PAYSLIP_TEMPLATE_ID, data, PAYSLIP_PAGE.format(line_id=line.id))
    line.notified_at = utcnow()
    sub.remaining -= 1
    db.session.flush()
    return True
