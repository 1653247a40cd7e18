"""The wage sheet PDF and the payment voucher, kept as issued in the object store
(services/storage/issued.py): a final document is rendered once and streamed ever after.

《保障农民工工资支付条例》第十五条：用人单位应当按照工资支付周期编制书面工资支付台账，并至少保存3年。
(The brief of issue 28 named 第三十条; that article is the subcontractor's direct responsibility for
paying its workers and the general contractor's supervision — "分包单位对所招用农民工的实名制管理和工资支付
负直接责任。施工总承包单位对分包单位劳动用工和工资发放等情况进行监督。" — the three years are Art. 15's.)

**The wage sheet is final** once the payroll is approved (its lines frozen: the workers' signatures,
amounts and deductions no longer change, services/payroll/approval.py) **and** no line still waits
for the bank (every line paid, nothing due, or held for the supplementary payroll): until then its
payment columns (发放状态, 发放日期) still move, so it is rendered live. The moment it becomes final
is a bank-results import (or the approval of a payroll with nothing to pay), a request about many
lines; rendering a sheet of hundreds of rows, each with the worker's signature read from the store,
there would weigh on it, so the sheet is kept **lazily, at its first download after finality**, under
the payroll's row lock (one first download keeps it). Nothing it shows changes after finality, except
a worker's corrected name, which the kept copy then does not follow: as issued.

**A voucher is issued** at its first download for a set of paid lines (that is when its content is
sealed in the audit chain, voucher.py); it is kept then, in that request, object first, and every
later download of the same set streams it. More lines paid later make a new voucher (revision = the
newest paid payment's id); the earlier ones stay kept, as issued to the employer.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from models import db
from models.payroll import PaymentStatus, Payroll, PayrollLine, PayrollStatus
from services import audit
from services.authz import Action
from services.contracts.pdf import FontSettings
from services.payroll.access import payroll_for
from services.payroll.sheets import render_wage_sheet
from services.payroll.voucher import paid_lines, render_voucher
from services.storage import issued
from services.storage.issued import DocumentKind

SETTLED = (PaymentStatus.PAID.value, PaymentStatus.NOTHING_DUE.value, PaymentStatus.HELD.value)

Body = bytes | Iterable[bytes]


def sheet_final(payroll: Payroll) -> bool:
    if payroll.status != PayrollStatus.APPROVED.value:
        return False
    waiting = db.session.execute(select(PayrollLine.id).where(
        PayrollLine.payroll_id == payroll.id, PayrollLine.payment_status.not_in(SETTLED)).limit(1)).first()
    return waiting is None


def _read_audited(actor_id: int, payroll: Payroll, purpose: str, workers: int) -> None:
    # the kept PDF shows the workers' names as the rendering did: the clear read is audited the same way
    audit.record("pii.read", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"field": "name", "purpose": purpose, "workers": workers})


def wage_sheet_pdf(actor_id: int, payroll_id: int, font: FontSettings | None = None) -> tuple[Payroll, Body, bool]:
    """(payroll, the PDF, kept): the final sheet as kept (streamed), else rendered live."""
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_LINES)
    if not sheet_final(payroll):
        return payroll, render_wage_sheet(actor_id, payroll, font), False
    doc = issued.find(DocumentKind.WAGE_SHEET.value, payroll.id)
    if doc is None:
        db.session.get(Payroll, payroll.id, with_for_update=True)
        doc = issued.find(DocumentKind.WAGE_SHEET.value, payroll.id)
        if doc is None:
            pdf = render_wage_sheet(actor_id, payroll, font)
            issued.keep(DocumentKind.WAGE_SHEET.value, payroll.id, pdf, actor_id=actor_id)
            return payroll, pdf, True
    _read_audited(actor_id, payroll, "wage_sheet_pdf", payroll.line_count)
    return payroll, issued.body(doc), True


def voucher_pdf(actor_id: int, payroll_id: int, font: FontSettings | None = None) -> tuple[Payroll, Body, str]:
    """(payroll, the voucher PDF, the SHA-256 of its content): issued and kept at the first download
    of each set of paid lines, streamed afterwards."""
    payroll, paid, sha = paid_lines(actor_id, payroll_id)
    revision = paid[-1][0].id
    doc = issued.find(DocumentKind.VOUCHER.value, payroll.id, revision)
    if doc is None:
        db.session.get(Payroll, payroll.id, with_for_update=True)
        doc = issued.find(DocumentKind.VOUCHER.value, payroll.id, revision)
        if doc is None:
            pdf = render_voucher(actor_id, payroll, paid, sha, font)
            issued.keep(DocumentKind.VOUCHER.value, payroll.id, pdf, revision=revision, actor_id=actor_id)
            return payroll, pdf, sha
    _read_audited(actor_id, payroll, "payment_voucher", len(paid))
    return payroll, issued.body(doc), sha
