"""The contract as a PDF (fpdf2, WenQuanYi Zen Hei from Debian's fonts-wqy-zenhei).

Both parties' blocks: 甲方's authorised signatory's handwritten signature and time, 乙方's handwritten
signature, time and the face check that confirmed them, then (once both signed) the effective time
and the SHA-256 sealed in the audit chain (《劳动合同法》第十六条: 签字或者盖章生效).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF

from models import Contract, ContractStatus
from services.contracts.lifecycle import contract_text, signature_png
from services.contracts.model_text import WAGE_TYPE_LABELS, WAGE_UNITS
from services.contracts.parties import employer_signature_png
from services.contracts.templates import yuan
from services.days import SITE_TZ
from services.errors import ServiceUnavailable
from services.settings import settings

log = logging.getLogger(__name__)

STATUS_NAMES = {"unsigned": "未签署", "signing": "签署中", "worker_signed": "乙方已签署，待甲方签署",
                "employer_signed": "甲方已签署，待乙方签署", "signed": "已生效", "terminated": "已解除"}


@dataclass(frozen=True)
class FontSettings:
    # WenQuanYi Zen Hei (Debian fonts-wqy-zenhei) has TrueType outlines: fpdf2 embeds it with
    # Identity-H, which every reader maps back to text. Noto Sans CJK is CFF-based; fpdf2 then
    # writes its own CMap encoding, which pypdf (and so some viewers' search) cannot read.
    path: str = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    collection_index: int = 0


FALLBACK_FONTS = (
    FontSettings(),
    FontSettings("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # 0 JP, 1 KR, 2 SC
)


def configured_font() -> FontSettings | None:
    """The font the settings name (SITEROLL_CONTRACT_FONT_PATH / _INDEX), None for the fallbacks."""
    config = settings()
    return FontSettings(config.pdf_font_path, config.pdf_font_index) if config.pdf_font_path else None


def available_font(preferred: FontSettings | None = None) -> FontSettings:
    for font in ((preferred,) if preferred else ()) + FALLBACK_FONTS:
        if Path(font.path).is_file():
            return font
    raise ServiceUnavailable("PDF_FONT_MISSING")


class _ContractPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 6, f"{self.footer_text}  第 {self.page_no()}/{{nb}} 页", align="C")


def render_contract_pdf(contract: Contract, *, actor_id: int, font: FontSettings | None = None,
                        as_sealed: bool = False, purpose: str = "contract_pdf") -> bytes:
    """The contract as it stands; ``as_sealed``: as it was when both parties had signed (the copy
    kept as issued, services/contracts/issued.py), without a later termination's note."""
    font = available_font(font)
    status = ContractStatus.SIGNED.value if as_sealed else contract.status
    text = contract_text(contract, actor_id=actor_id, purpose=purpose)
    pdf = _ContractPDF(format="A4")
    pdf.add_font("cjk", fname=font.path, collection_font_number=font.collection_index)
    pdf.footer_text = f"合同编号 {contract.id} · {STATUS_NAMES.get(status, status)}"
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 12, contract.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    wage = f"{WAGE_TYPE_LABELS[contract.wage_type]} {yuan(contract.wage_amount_fen)} {WAGE_UNITS[contract.wage_type]}"
    pdf.cell(0, 6, f"{wage} · 每月 {contract.pay_day} 日前发放",
             align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            pdf.ln(3)
            continue
        for line in wrap_cjk(pdf, paragraph, pdf.epw):
            pdf.cell(0, 6.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    _signatures(pdf, contract, status)
    return bytes(pdf.output())


# never at the start of a line (避头): they hang in the margin at the end of the line instead
NO_LINE_START = set("。，、；：！？）》」』”’.,;:!?)")


def wrap_cjk(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break Chinese text by characters (it has no spaces), keeping closing punctuation on its line."""
    lines, line = [], ""
    for ch in text:
        if line and ch not in NO_LINE_START and pdf.get_string_width(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line]


def _beijing(moment) -> str:  # type: ignore[no-untyped-def]
    return moment.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）" if moment else ""
def place_image(pdf: FPDF, data: bytes, **where: Any) -> bool:
    """Draw one stored image; a broken one leaves its box empty instead of failing the whole PDF
    (one worker's signature must never take the wage sheet or a contract down for everyone)."""
    try:
        pdf.image(io.BytesIO(data), **where)
    except Exception:  # noqa: BLE001 (whatever the decoder raises, the document is still produced)
        log.warning("an image could not be drawn into a PDF; left empty", exc_info=True)
        return False
    return True


def _signatures(pdf: FPDF, contract: Contract, status: str) -> None:
    if pdf.will_page_break(80):
        pdf.add_page()
    pdf.set_font("cjk", size=11)
    half = pdf.epw / 2
    labour = contract.kind != "service_agreement"
    pdf.cell(half, 8, "甲方（用人单位）：" if labour else "甲方（用工单位）：", new_x="RIGHT")
    pdf.cell(0, 8, "乙方（建筑工人）：", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(half, 6, contract.employer_name, new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    employer = employer_signature_png(contract)
    worker = signature_png(contract) if contract.worker_signed_at or status in (
        ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value) else None
    if employer is not None:
        place_image(pdf, employer, x=pdf.l_margin, y=y, h=20)
    if worker is not None:
        place_image(pdf, worker, x=pdf.l_margin + half, y=y, h=20)
    pdf.set_y(y + 22)
    worker_time = contract.worker_signed_at or (contract.signed_at if contract.employer_signed_at is None else None)
    how = "加盖电子印章" if contract.employer_sign_method == "seal" else "授权签署人签名"
    left = [f"{how}时间：{_beijing(contract.employer_signed_at)}" if contract.employer_signed_at
            else "甲方尚未签署"]
    right = [f"签名时间：{_beijing(worker_time)}" if worker is not None else "乙方尚未签署"]
    if worker is not None:
        right.append(f"手写签名 + 人脸核验（核验编号 {contract.signing_check_id}）")
    for i in range(max(len(left), len(right))):
        pdf.cell(half, 5.5, left[i] if i < len(left) else "", new_x="RIGHT")
        pdf.cell(0, 5.5, right[i] if i < len(right) else "", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if status in (ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value):
        for line in (f"合同生效时间（双方签署完毕）：{_beijing(contract.signed_at)}",
                     f"内容 SHA-256：{contract.content_sha256}",
                     "该摘要已记入不可篡改的审计日志，可用于核对本合同内容和双方签名是否被改动。"):
            pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, 5.5, f"本{'合同' if labour else '协议'}尚未生效：乙方在小程序中阅读全文后手写签名并完成人脸核验，"
                               "甲方授权签署人签署后生效。", new_x="LMARGIN", new_y="NEXT")
    if status == ContractStatus.TERMINATED.value:
        pdf.multi_cell(0, 5.5, f"合同已于 {contract.termination_date} 解除：{contract.termination_reason}",
                       new_x="LMARGIN", new_y="NEXT")
