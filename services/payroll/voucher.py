"""The payment voucher (总包代发凭证): proof for the employer that the general contractor paid its
workers from the project's wage account.

《保障农民工工资支付条例》第三十一条（节选）：施工总承包单位根据分包单位编制的工资支付表，通过农民工工资专用账户
直接将工资支付到农民工本人的银行账户，并向分包单位提供代发工资凭证。 The voucher names the wage account, the employer, each paid line (name,
masked card, amount, date) and the totals; it is available once the bank answered for at least one
line. Its content (the paid attempts up to the newest one) is hashed with SHA-256 and sealed in the
audit chain like a signed contract (services/seals.py): ``flask audit verify`` recomputes it from
the payments, which a bank's ``paid`` answer makes final. Each voucher is rendered once, when it
is issued, and kept as issued in the object store (documents.py).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fpdf import FPDF
from sqlalchemy import select

from models import AuditEntry, Project, db
from models.payroll import PaymentStatus, Payroll, PayrollLine, PayrollPayment
from services import seals
from services.authz import Action
from services.contracts.pdf import FontSettings, available_font
from services.errors import Conflict
from services.payroll.access import payroll_for
from services.payroll.employers import company_name
from services.payroll.notify import yuan
from services.payroll.sheets import _names, local

SEAL_TYPE = "payroll_voucher"
KIND_TEXT = {"monthly": "月度", "supplementary": "补发", "settlement": "退场结算"}


def _paid(payroll_id: int, up_to_payment: int | None = None) -> list[tuple[PayrollPayment, PayrollLine]]:
    query = (select(PayrollPayment, PayrollLine).join(PayrollLine, PayrollLine.id == PayrollPayment.line_id)
             .where(PayrollPayment.payroll_id == payroll_id, PayrollPayment.status == PaymentStatus.PAID.value)
             .order_by(PayrollPayment.id))
    if up_to_payment is not None:
        query = query.where(PayrollPayment.id <= up_to_payment)
    return [(p, line) for p, line in db.session.execute(query)]


def content_hash(payroll: Payroll, paid: list[tuple[PayrollPayment, PayrollLine]]) -> str:
    canonical = json.dumps({
        "payroll_id": payroll.id, "project_id": payroll.project_id, "company_id": payroll.company_id,
        "month": payroll.month, "kind": payroll.kind,
        "lines": [[line.id, line.user_id, p.amount_fen, p.line_ref,
                   p.result_at.isoformat(timespec="microseconds") if p.result_at else None] for p, line in paid],
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _recompute(last_payment_id: int) -> str | None:
    payment = db.session.get(PayrollPayment, last_payment_id)
    payroll = db.session.get(Payroll, payment.payroll_id) if payment else None
    if payroll is None:
        return None
    return content_hash(payroll, _paid(payroll.id, last_payment_id))


seals.register(SEAL_TYPE, _recompute)


def _seal_once(actor_id: int, last_payment_id: int, sha: str) -> None:
    sealed = db.session.execute(select(AuditEntry.id).where(
        AuditEntry.action == seals.SEALED, AuditEntry.object_type == SEAL_TYPE,
        AuditEntry.object_id == str(last_payment_id))).first()
    if sealed is None:
        seals.seal(SEAL_TYPE, last_payment_id, sha, actor_user_id=actor_id)


def paid_lines(actor_id: int, payroll_id: int) -> tuple[Payroll, list[tuple[PayrollPayment, PayrollLine]], str]:
    """The payroll, its paid lines (the voucher's content) and their SHA-256; VOUCHER_NOT_READY before any."""
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_LINES)
    paid = _paid(payroll.id)
    if not paid:
        raise Conflict("VOUCHER_NOT_READY", details={"payroll_id": payroll.id, "status": payroll.status})
    return payroll, paid, content_hash(payroll, paid)


def render_voucher(actor_id: int, payroll: Payroll, paid: list[tuple[PayrollPayment, PayrollLine]], sha: str,
                   font: FontSettings | None = None) -> bytes:
    """Issue the voucher of these paid lines: seal its content (once) and render it (the caller keeps
    it as issued, services/payroll/documents.py)."""
    _seal_once(actor_id, paid[-1][0].id, sha)
    project = db.session.get(Project, payroll.project_id)
    names = _names(actor_id, payroll, [line for _p, line in paid], "payment_voucher")
    face = available_font(font)
    pdf = FPDF(format="A4")
    pdf.add_font("cjk", fname=face.path, collection_font_number=face.collection_index)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, "农民工工资代发凭证", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    for label, value in _header(payroll, project):
        pdf.cell(40, 7, label, border=1)
        pdf.cell(0, 7, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (12, 40, 50, 35, 45)
    for title, width in zip(("序号", "姓名", "银行卡", "金额（元）", "发放日期"), widths, strict=True):
        pdf.cell(width, 7, title, border=1, align="C")
    pdf.ln(7)
    total = 0
    for n, (payment, line) in enumerate(paid, start=1):
        total += payment.amount_fen
        row: list[Any] = [n, names.get(line.user_id) or line.name_masked, f"**** **** **** {line.bank_card_last4 or ''}",
                          yuan(payment.amount_fen), local(payment.result_at)[:10]]
        for value, width in zip(row, widths, strict=True):
            pdf.cell(width, 7, str(value), border=1, align="C")
        pdf.ln(7)
    pdf.cell(sum(widths[:3]), 7, f"合计 {len(paid)} 人", border=1, align="C")
    pdf.cell(sum(widths[3:]), 7, f"{yuan(total)} 元", border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(0, 5, f"本凭证内容的 SHA-256：{sha}\n已写入审计链（record.sealed / {SEAL_TYPE}），"
                         "可用 flask audit verify 核验。", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _header(payroll: Payroll, project: Project) -> list[tuple[str, str]]:
    return [("工程名称", project.name), ("用人单位", company_name(payroll.company_id)),
            ("工资专用账户", f"{project.wage_account_bank} {project.wage_account_no_masked}"),
            ("工资所属", f"{payroll.month}（{KIND_TEXT.get(payroll.kind, payroll.kind)}，工资表编号 {payroll.id}）"),
            ("审批", local(payroll.decided_at))]
