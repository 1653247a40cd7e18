"""维权告示牌 (Art.34 of the wage-payment regulation): what every site must post at its gate.

Public: the page and the printable PDF need no login (they hang on the site fence), so they
carry nothing personal beyond the labour manager's name and work phone the project chose to post.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from fpdf import FPDF
from sqlalchemy import select

from models import Company, Membership, MembershipStatus, Project, ProjectCompany, Role, User, db
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
    join_url: str


def board(project_id: int) -> Board:
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound("PROJECT_NOT_FOUND")
    row = db.session.get(NoticeBoard, project_id)
    contractor = db.session.execute(
        select(Company.name).join(ProjectCompany, ProjectCompany.company_id == Company.id)
        .where(ProjectCompany.project_id == project_id, ProjectCompany.role == "general_contractor").limit(1)
    ).scalar_one_or_none()
    manager = row.labour_manager_name if row and row.labour_manager_name else db.session.execute(
        select(User.display_name).join(Membership, Membership.user_id == User.id).where(
            Membership.project_id == project_id, Membership.role == Role.LABOUR_MANAGER.value,
            Membership.status == MembershipStatus.ACTIVE.value).order_by(Membership.id).limit(1)
    ).scalar_one_or_none()
    template = db.session.execute(select(ContractTemplate.pay_day).where(
        ContractTemplate.project_id == project_id)).scalar_one_or_none()
    base = settings().oversight.public_base_url
    return Board(project.id, project.name, project.address, contractor, manager,
                 row.labour_manager_phone if row else None, project.wage_account_bank,
                 project.wage_account_no_masked, template, (row.complaint_phones if row else None) or DEFAULT_PHONES,
                 f"{base}/public/join/{project.join_code}")


def board_for_member(actor_id: int, project_id: int) -> Board:
    scope(actor_id, Action.PROJECT_VIEW, project_id)
    return board(project_id)


def update_board(actor_id: int, project_id: int, manager_name: str | None, manager_phone: str | None,
                 complaint_phones: list[dict[str, str]]) -> Board:
    authorize(actor_id, Action.NOTICE_BOARD_MANAGE, project_id)
    row = db.session.get(NoticeBoard, project_id) or NoticeBoard(project_id=project_id, complaint_phones=[])
    row.labour_manager_name, row.labour_manager_phone = manager_name, manager_phone
    row.complaint_phones = [{"name": str(p.get("name", ""))[:32], "phone": str(p.get("phone", ""))[:32]}
                            for p in complaint_phones]
    row.updated_by, row.updated_at = actor_id, utcnow()
    db.session.add(row)
    db.session.flush()
    audit.record("oversight.notice_board_updated", actor_user_id=actor_id, object_type="project",
                 object_id=project_id, details={})
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


def render_pdf(project_id: int) -> bytes:
    b = board(project_id)
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
    y = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(b.join_url)), x=20, y=y, w=50, h=50)
    pdf.set_xy(78, y + 12)
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, "微信扫码加入本项目，完成实名登记、签订劳动合同、每日考勤与工资查询。\n" + b.join_url)
    pdf.set_y(-25)
    pdf.set_font("cjk", size=8)
    pdf.cell(0, 6, f"SiteRoll 工地实名通 生成于 {utcnow():%Y-%m-%d %H:%M} UTC", align="C")
    return bytes(pdf.output())
