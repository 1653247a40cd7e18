"""The contract as a PDF (fpdf2, Noto Sans CJK from Debian's fonts-noto-cjk).

A signed contract's PDF carries the handwritten signature, the signing time (Beijing time),
the face check that confirmed the signer, and the SHA-256 sealed in the audit chain.
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
from services.contracts.templates import yuan
from services.days import SITE_TZ
from services.errors import ServiceUnavailable

log = logging.getLogger(__name__)

STATUS_NAMES = {"unsigned": "未签署", "signing": "签署中", "signed": "已签署", "terminated": "已解除"}


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


def render_contract_pdf(contract: Contract, *, actor_id: int, font: FontSettings | None = None) -> bytes:
    font = available_font(font)
    text = contract_text(contract, actor_id=actor_id, purpose="contract_pdf")
    pdf = _ContractPDF(format="A4")
    pdf.add_font("cjk", fname=font.path, collection_font_number=font.collection_index)
    pdf.footer_text = f"合同编号 {contract.id} · {STATUS_NAMES.get(contract.status, contract.status)}"
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
    _signatures(pdf, contract)
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


def place_image(pdf: FPDF, data: bytes, **where: Any) -> bool:
    """Draw one stored image; a broken one leaves its box empty instead of failing the whole PDF
    (one worker's signature must never take the wage sheet or a contract down for everyone)."""
    try:
        pdf.image(io.BytesIO(data), **where)
    except Exception:  # noqa: BLE001 (whatever the decoder raises, the document is still produced)
        log.warning("an image could not be drawn into a PDF; left empty", exc_info=True)
        return False
    return True


def _signatures(pdf: FPDF, contract: Contract) -> None:
    if pdf.will_page_break(60):
        pdf.add_page()
    pdf.set_font("cjk", size=11)
    pdf.cell(80, 8, f"甲方（盖章）：{contract.employer_name}", new_x="RIGHT")
    pdf.cell(0, 8, "乙方（签名）：", new_x="LMARGIN", new_y="NEXT")
    signature = signature_png(contract) if contract.status in (
        ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value) else None
    if signature is not None:
        place_image(pdf, signature, x=pdf.l_margin + 110, y=pdf.get_y(), h=22)
        pdf.ln(26)
        signed = contract.signed_at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M:%S") if contract.signed_at else ""
        pdf.set_font("cjk", size=9)
        for line in (f"签署时间：{signed}（北京时间）",
                     f"签署方式：小程序手写签名 + 人脸核验（核验编号 {contract.signing_check_id}）",
                     f"内容 SHA-256：{contract.content_sha256}",
                     "该摘要已记入不可篡改的审计日志，可用于核对本合同内容是否被改动。"):
            pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.ln(6)
        pdf.set_font("cjk", size=9)
        pdf.multi_cell(0, 5.5, "本合同尚未签署：请在小程序中阅读全文后手写签名，并完成人脸核验。",
                       new_x="LMARGIN", new_y="NEXT")
    if contract.status == ContractStatus.TERMINATED.value:
        pdf.set_font("cjk", size=9)
        pdf.multi_cell(0, 5.5, f"合同已于 {contract.termination_date} 解除：{contract.termination_reason}",
                       new_x="LMARGIN", new_y="NEXT")
