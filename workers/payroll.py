"""Payroll jobs: thin wrappers that commit."""

from __future__ import annotations

from models import db
from services.payroll import notify


def notify_payslips(payroll_id: int) -> int:
    """Enqueued on approval with retries: each message is committed as it leaves, so a retry resumes."""
    sent = 0
    for line_id in notify.lines_to_notify(payroll_id):
        try:
            sent += notify.notify_payslip(line_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return sent
