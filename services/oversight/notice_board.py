"""维权告示牌 (Art.34 of the wage-payment regulation): what every site must post at its gate.

《保障农民工工资支付条例》第三十四条：施工总承包单位应当在施工现场醒目位置设立维权信息告示牌，明示下列事项：
（一）建设单位、施工总承包单位及所在项目部、分包单位、相关行业工程建设主管部门、劳资专管员等基本信息；
（二）当地最低工资标准、工资支付日期等基本信息；
（三）相关行业工程建设主管部门和劳动保障监察投诉举报电话、劳动争议调解仲裁申请渠道、法律援助申请渠道、
公共法律服务热线等信息。

A board missing any of these cannot be published (``publish_board``: 422 NOTICE_BOARD_INCOMPLETE
naming what is missing). The subcontractors listed are the participants whose teams are on site;
the minimum wage and the pay day come from payroll (services/payroll/payday.py, the rules).

Public: the page and the printable PDF need no login (they hang on the site fence), so they
carry nothing personal beyond the labour manager's name and work phone the project chose to post.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from fpdf import FPDF
from sqlalchemy import select

from models import Company, Membership, MembershipStatus, Project, ProjectCompany, Role, Team, User, db
from models.base import utcnow
from models.oversight import NoticeBoard
from models.payroll import PayrollRules
from services import audit
from services.authz import Action, authorize, scope
from services.contracts.pdf import available_font
from services.days import business_day
from services.errors import NotFound, Unprocessable
from services.payroll.payday import pay_date, project_pay_days
from services.settings import settings

DEFAULT_PHONES = [{"name": "劳动保障监察投诉", "phone": "12333"}, {"name": "政务服务便民热线", "phone": "12345"},
                  {"name": "公共法律服务热线（法律援助申请）", "phone": "12348"}]
# Art. 34 (三): each channel, recognised by its number or a word of its name
REQUIRED_CHANNELS = {"labour_inspection_12333": ("12333", None), "hotline_12345": ("12345", None),
                     "legal_service_12348": ("12348", None), "labour_arbitration": (None, "仲裁"),
                     "legal_aid": (None, "法律援助")}


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
    owner: str | None = None
    subcontractors: tuple[str, ...] = ()
    authorities: tuple[dict[str, str], ...] = ()
    minimum_wage_fen: int | None = None
    pay_date: str | None = None  # the next pay date, moved before rest days and holidays
    published_at: str | None = None
    missing: tuple[str, ...] = ()


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
    pay_day = project_pay_days([project_id])[project_id]
    base = settings().oversight.public_base_url
    owner = db.session.execute(
        select(Company.name).join(ProjectCompany, ProjectCompany.company_id == Company.id)
        .where(ProjectCompany.project_id == project_id, ProjectCompany.role == "owner").limit(1)
    ).scalar_one_or_none()
    subs = tuple(db.session.execute(
        select(Company.name).join(ProjectCompany, ProjectCompany.company_id == Company.id).where(
            ProjectCompany.project_id == project_id,
            ProjectCompany.role.in_(("subcontractor", "labour_subcontractor")),
            Company.id.in_(select(Team.company_id).where(Team.project_id == project_id))).order_by(Company.name)
    ).scalars().unique())
    rules = db.session.get(PayrollRules, project_id)
    minimum = rules.minimum_wage_fen if rules and rules.minimum_wage_fen else None
    phones = (row.complaint_phones if row else None) or DEFAULT_PHONES
    authorities = tuple((row.authorities or []) if row else [])
    today = business_day()
    due = pay_date(f"{today.year:04d}-{today.month:02d}", pay_day)
    b = Board(project.id, project.name, project.address, contractor, manager,
              row.labour_manager_phone if row else None, project.wage_account_bank,
              project.wage_account_no_masked, pay_day, phones, f"{base}/public/join/{project.join_code}",
              owner, subs, authorities, minimum, due.isoformat(),
              row.published_at.isoformat() if row and row.published_at else None)
    return Board(**{**b.__dict__, "missing": missing_items(b)})


def missing_items(b: Board) -> tuple[str, ...]:
    """What Art. 34 requires and the board lacks (item keys, in the article's order)."""
    out = [key for key, present in (("owner", b.owner), ("general_contractor", b.contractor),
                                    ("authorities", b.authorities),
                                    ("labour_manager", b.labour_manager_name and b.labour_manager_phone),
                                    ("minimum_wage", b.minimum_wage_fen), ("pay_day", b.pay_day)) if not present]
    for key, (number, word) in REQUIRED_CHANNELS.items():
        if not any((number and p.get("phone") == number) or (word and word in p.get("name", ""))
                   for p in b.complaint_phones):
            out.append(key)
    return tuple(out)


def publish_board(actor_id: int, project_id: int) -> Board:
    """Publish the board once every item Art. 34 requires is on it; otherwise 422 listing what is missing."""
    authorize(actor_id, Action.NOTICE_BOARD_MANAGE, project_id)
    b = board(project_id)
    if b.missing:
        raise Unprocessable("NOTICE_BOARD_INCOMPLETE", details={"missing": list(b.missing)})
    row = db.session.get(NoticeBoard, project_id) or NoticeBoard(project_id=project_id, complaint_phones=DEFAULT_PHONES)
    row.published_at, row.updated_by, row.updated_at = utcnow(), actor_id, utcnow()
    db.session.add(row)
    db.session.flush()
    audit.record("oversight.notice_board_published", actor_user_id=actor_id, object_type="project",
                 object_id=project_id, details={})
    return board(project_id)


def board_for_member(actor_id: int, project_id: int) -> Board:
    scope(actor_id, Action.PROJECT_VIEW, project_id)
    return board(project_id)


def update_board(actor_id: int, project_id: int, manager_name: str | None, manager_phone: str | None,
                 complaint_phones: list[dict[str, str]], authorities: list[dict[str, str]] | None = None) -> Board:
    authorize(actor_id, Action.NOTICE_BOARD_MANAGE, project_id)
    row = db.session.get(NoticeBoard, project_id) or NoticeBoard(project_id=project_id, complaint_phones=[])
    row.labour_manager_name, row.labour_manager_phone = manager_name, manager_phone
    row.complaint_phones = [{"name": str(p.get("name", ""))[:32], "phone": str(p.get("phone", ""))[:32]}
                            for p in complaint_phones]
    if authorities is not None:
        row.authorities = [{"name": str(p.get("name", ""))[:64], "phone": str(p.get("phone", ""))[:32]}
                           for p in authorities]
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
        ("建设单位", b.owner or "—"), ("分包单位", "、".join(b.subcontractors) or "—"),
        ("行业主管部门", "；".join(f"{p['name']} {p['phone']}" for p in b.authorities) or "—"),
        ("当地最低工资标准", f"{b.minimum_wage_fen // 100} 元/月" if b.minimum_wage_fen else "—"),
        ("工资支付日", (f"每月 {b.pay_day} 日支付上月工资（遇休息日、节假日提前；下一次 {b.pay_date}）"
                    if b.pay_day else "以劳动合同约定为准")),
        ("投诉、仲裁、法律援助", phones),
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
