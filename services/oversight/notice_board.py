"""维权告示牌 (Art.34 of the wage-payment regulation): what every site must post at its gate.

Public: the page and the printable PDF need no login (they hang on the site fence). A board is
public only once the project publishes it, at an unguessable public id (project ids are sequential),
and shows only what the project chose to post: the labour manager's name and phone as typed on the
board (never the account's name), the join QR code only when the project opts in.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

import segno
from fpdf import FPDF
from sqlalchemy import select

from models import Company, Project, ProjectCompany, db
from models.base import utcnow
from models.contracts import ContractTemplate
from models.oversight import NoticeBoard
from services import audit
from services.authz import Action, authorize, scope
from services.contracts.pdf import available_font
from services.errors import NotFound
from services.settings import settings

DEFAULT_PHONES = [{"name": "劳动保障监察投诉", "phone": "12333"}, {"name": "政务服务便民热线", "phone": "12345"}]


@dataclass(frozen=True)
class Board:
    project_id: int
    project_name: str
    address: str
    contractor: str | None
    labour_manager_name: str | None
    labour_manager_phone: str | None
    wage_account_bank: str
    wage_account_no_masked: str
    pay_day: int | None
    complaint_phones: list[dict[str, str]]
    join_url: str | None
    public_id: str | None = None
    published: bool = False
    show_join_qr: bool = False
    public_url: str | None = None


def public_board(public_id: str) -> Board:
    """The published board at its public id; anything else is the same 404."""
    row = db.session.execute(select(NoticeBoard).where(
        NoticeBoard.public_id == public_id[:32], NoticeBoard.published_at.is_not(None))).scalar_one_or_none()
    if row is None:
        raise NotFound("NOTICE_BOARD_NOT_FOUND")
    return board(row.project_id)


def board(project_id: int) -> Board:
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound("PROJECT_NOT_FOUND")
    row = db.session.get(NoticeBoard, project_id)
    contractor = db.session.execute(
        select(Company.name).join(ProjectCompany, ProjectCompany.company_id == Company.id)
        .where(ProjectCompany.project_id == project_id, ProjectCompany.role == "general_contractor").limit(1)
    ).scalar_one_or_none()
    manager = row.labour_manager_name if row else None  # posted by the project, never the account's name
    template = db.session.execute(select(ContractTemplate.pay_day).where(
        ContractTemplate.project_id == project_id)).scalar_one_or_none()
    base = settings().oversight.public_base_url
    show_qr = bool(row and row.show_join_qr)
    public_id = row.public_id if row else None
    return Board(project.id, project.name, project.address, contractor, manager,
                 row.labour_manager_phone if row else None, project.wage_account_bank,
                 project.wage_account_no_masked, template, (row.complaint_phones if row else None) or DEFAULT_PHONES,
                 f"{base}/public/join/{project.join_code}" if show_qr else None, public_id,
                 bool(row and row.published_at), show_qr,
                 f"{base}/public/notice-boards/{public_id}" if public_id and row and row.published_at else None)


def board_for_member(actor_id: int, project_id: int) -> Board:
    scope(actor_id, Action.PROJECT_VIEW, project_id)
    return board(project_id)


def update_board(actor_id: int, project_id: int, manager_name: str | None, manager_phone: str | None,
                 complaint_phones: list[dict[str, str]], *, published: bool | None = None,
                 show_join_qr: bool | None = None) -> Board:
    authorize(actor_id, Action.NOTICE_BOARD_MANAGE, project_id)
    row = db.session.get(NoticeBoard, project_id) or NoticeBoard(project_id=project_id, complaint_phones=[],
                                                                 show_join_qr=False)
    if show_join_qr is not None:
        row.show_join_qr = show_join_qr
    if published is not None:
        row.public_id = row.public_id or secrets.token_urlsafe(16)
        row.published_at = (row.published_at or utcnow()) if published else None
    row.labour_manager_name, row.labour_manager_phone = manager_name, manager_phone
    row.complaint_phones = [{"name": str(p.get("name", ""))[:32], "phone": str(p.get("phone", ""))[:32]}
                            for p in complaint_phones]
    row.updated_by, row.updated_at = actor_id, utcnow()
    db.session.add(row)
    db.session.flush()
    audit.record("oversight.notice_board_updated", actor_user_id=actor_id, object_type="project",
                 object_id=project_id, details={"published": row.published_at is not None,
                                                "show_join_qr": bool(row.show_join_qr)})
    return board(project_id)


def qr_png(data: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(data: str) -> str:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def lines(b: Board) -> list[tuple[str, str]]:
    phones = "；".join(f"{p['name']} {p['phone']}" for p in b.complaint_phones)
    return [
        ("工程名称", b.project_name), ("工程地址", b.address), ("施工总承包单位", b.contractor or "—"),
        ("劳资专管员", " ".join(x for x in (b.labour_manager_name, b.labour_manager_phone) if x) or "—"),
        ("工资专用账户开户行", b.wage_account_bank), ("工资专用账户", b.wage_account_no_masked),
        ("工资支付日", f"每月 {b.pay_day} 日前支付上月工资" if b.pay_day else "以劳动合同约定为准"),
        ("投诉举报电话", phones),
    ]


def render_pdf(public_id: str) -> bytes:
    b = public_board(public_id)
    font = available_font()
    pdf = FPDF(format="A4")
    pdf.add_font("cjk", fname=font.path, collection_font_number=font.collection_index)
    pdf.add_page()
    pdf.set_font("cjk", size=24)
    pdf.cell(0, 16, "维权告示牌", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 7, "根据《保障农民工工资支付条例》第三十四条，本工程在施工现场醒目位置设立维权信息告示牌。"
                         "农民工工资按月足额支付至本人银行卡，任何单位和个人不得拖欠克扣。", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, value in lines(b):
        pdf.set_font("cjk", size=12)
        pdf.cell(55, 10, label, border=1)
        pdf.multi_cell(0, 10, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    if b.join_url:  # only when the project chose to post its join code
        y = pdf.get_y()
        pdf.image(io.BytesIO(qr_png(b.join_url)), x=20, y=y, w=50, h=50)
        pdf.set_xy(78, y + 12)
        pdf.set_font("cjk", size=12)
        pdf.multi_cell(0, 8, "微信扫码加入本项目，完成实名登记、签订劳动合同、每日考勤与工资查询。\n" + b.join_url)
    pdf.set_y(-25)
    pdf.set_font("cjk", size=8)
    pdf.cell(0, 6, f"SiteRoll 工地实名通 生成于 {utcnow():%Y-%m-%d %H:%M} UTC", align="C")
    return bytes(pdf.output())
