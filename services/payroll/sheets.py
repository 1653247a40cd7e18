"""The monthly wage sheet (工资表), kept at least 3 years: Excel (written row by row, streamed)
and a CJK PDF (WenQuanYi Zen Hei through the contract PDF's font helper) with each worker's
in-app signature. The sheet carries real names (it is what the worker signs): one audited read.
The final sheet's PDF is kept as issued in the object store (documents.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fpdf import FPDF
from sqlalchemy import select

from models import Project, db
from models.enrollment import WorkerProfile
from models.payroll import Payroll, PayrollLine
from services import audit, pii
from services.authz import Action
from services.contracts.pdf import FontSettings, available_font, place_image
from services.days import SITE_TZ
from services.enrollment.profile import field_context as profile_context
from services.payroll.access import payroll_for
from services.payroll.bank import spool
from services.payroll.notify import yuan
from services.payroll.slips import signature_png

HEADER = ["序号", "工人编号", "姓名", "计薪方式", "单价（元）", "出勤天数", "计件数量", "加班（小时）", "应发（元）",
          "扣款（元）", "扣款明细", "实发（元）", "银行卡", "发放状态", "发放日期", "签字确认"]
WAGE_TYPE = {"day": "计日", "piece": "计件", "month": "计月"}
PAYMENT = {"unpaid": "未发放", "issued": "代发中", "paid": "已发放", "failed": "发放失败", "nothing_due": "无应发",
           "held": "暂缓（补发）"}
STATUS = {"draft": "草稿", "submitted": "待审核/审批", "reviewed": "已审核", "rejected": "已退回", "approved": "已审批"}


def local(dt: Any) -> str:
    return dt.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M") if dt else ""


def _names(actor_id: int, payroll: Payroll, lines: list[PayrollLine], purpose: str) -> dict[int, str]:
    rows = db.session.execute(select(WorkerProfile.user_id, WorkerProfile.id, WorkerProfile.name_enc).where(
        WorkerProfile.user_id.in_([x.user_id for x in lines] or [-1])))
    audit.record("pii.read", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"field": "name", "purpose": purpose, "workers": len(lines)})
    return {uid: pii.decrypt_str(enc, context=profile_context("name", pid)) for uid, pid, enc in rows}


def _lines(payroll: Payroll) -> list[PayrollLine]:
    return list(db.session.execute(select(PayrollLine).where(PayrollLine.payroll_id == payroll.id)
                                   .order_by(PayrollLine.user_id)).scalars())


def _row(n: int, line: PayrollLine, name: str) -> list[Any]:
    detail = "；".join(f"{d['reason']} {yuan(d['applied_fen'])}" for d in line.deductions if d["applied_fen"])
    signed = f"已签 {local(line.confirmed_at)}" if line.confirmed_at else (
        f"放行：{line.resolution}" if line.slip_status == "released" else
        f"暂缓：{line.resolution}" if line.slip_status == "held" else ("有异议" if line.disputed_at else ""))
    return [n, line.user_id, name or line.name_masked, WAGE_TYPE.get(line.wage_type, line.wage_type),
            yuan(line.rate_fen), line.half_days / 2, line.piece_milli / 1000 if line.piece_milli else "",
            round(line.overtime_minutes / 60, 2), yuan(line.gross_fen), yuan(line.deductions_fen), detail,
            yuan(line.net_fen), f"****{line.bank_card_last4 or ''}", PAYMENT.get(line.payment_status, ""),
            local(line.paid_at)[:10], signed]


def wage_sheet_xlsx(actor_id: int, payroll_id: int) -> tuple[Payroll, Iterator[bytes]]:
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_LINES)
    project = db.session.get(Project, payroll.project_id)
    lines = _lines(payroll)
    names = _names(actor_id, payroll, lines, "wage_sheet_xlsx")

    def rows() -> Iterator[list[Any]]:
        yield [f"{project.name} {payroll.month} 工资表（{STATUS[payroll.status]}）"]
        yield HEADER
        for n, line in enumerate(lines, start=1):
            yield _row(n, line, names.get(line.user_id, ""))
        yield ["合计", "", "", "", "", "", "", "", yuan(payroll.total_gross_fen), yuan(payroll.total_deductions_fen),
               "", yuan(payroll.total_net_fen)]

    return payroll, spool(rows(), "xlsx")


class _SheetPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("cjk", size=7)
        self.cell(0, 5, f"{self.footer_text}  第 {self.page_no()}/{{nb}} 页", align="C")


PDF_COLUMNS = [("序号", 10), ("姓名", 22), ("计薪", 12), ("单价", 18), ("天数", 12), ("计件", 14), ("加班h", 12),
               ("应发", 22), ("扣款", 20), ("实发", 22), ("银行卡", 20), ("发放", 16), ("发放日期", 20),
               ("签名", 32), ("确认时间", 25)]
ROW_H = 11


def render_wage_sheet(actor_id: int, payroll: Payroll, font: FontSettings | None = None) -> bytes:
    """The sheet as it stands (services/payroll/documents.py keeps the final one as issued)."""
    project = db.session.get(Project, payroll.project_id)
    lines = _lines(payroll)
    names = _names(actor_id, payroll, lines, "wage_sheet_pdf")
    face = available_font(font)
    pdf = _SheetPDF(orientation="L", format="A4")
    pdf.add_font("cjk", fname=face.path, collection_font_number=face.collection_index)
    pdf.footer_text = f"工资表编号 {payroll.id} · {STATUS[payroll.status]}"
    pdf.set_margins(8, 10, 8)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.cell(0, 9, f"{project.name} {payroll.month} 工资表", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    pdf.cell(0, 5, f"应发合计 {yuan(payroll.total_gross_fen)} 元 · 扣款合计 {yuan(payroll.total_deductions_fen)} 元 · "
             f"实发合计 {yuan(payroll.total_net_fen)} 元 · {payroll.line_count} 人 · 审批 {local(payroll.decided_at)}",
             align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    def header() -> None:
        pdf.set_font("cjk", size=8)
        for title, width in PDF_COLUMNS:
            pdf.cell(width, 7, title, border=1, align="C")
        pdf.ln(7)

    header()
    for n, line in enumerate(lines, start=1):
        if pdf.will_page_break(ROW_H):
            pdf.add_page()
            header()
        r = _row(n, line, names.get(line.user_id, ""))
        values = [r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[11], r[12], r[13], r[14]]
        for (_title, width), value in zip(PDF_COLUMNS[:13], values, strict=True):
            pdf.cell(width, ROW_H, str(value), border=1, align="C")
        x, y = pdf.get_x(), pdf.get_y()
        pdf.cell(PDF_COLUMNS[13][1], ROW_H, "" if line.confirmed_at else r[15], border=1, align="C")
        png = signature_png(line)
        if png is not None:
            place_image(pdf, png, x=x + 1, y=y + 1, h=ROW_H - 2, w=PDF_COLUMNS[13][1] - 2, keep_aspect_ratio=True)
        pdf.cell(PDF_COLUMNS[14][1], ROW_H, local(line.confirmed_at), border=1, align="C")
        pdf.ln(ROW_H)
    return bytes(pdf.output())
