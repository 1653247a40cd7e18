"""Demo data for the embedded mode and for trying the API by hand. Running it twice changes nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw
from sqlalchemy import select
from stdnum.cn import ric

from models import Company, Contract, Membership, Project, ProjectCompany, Role, Team, User, db
from services import consent_texts, consents, invitations, org
from services.contracts import sign_contract
from services.days import business_day
from services.enrollment import profile, review, rules, training
from services.faces.checks import start_face_check
from services.faces.weights import shared_dir
from services.platform_push.dictionaries import DEMO_PROFILE

COMPANY_NAME = "深圳示例建设集团"
COMPANY_USCC = "91440300279569123Q"
SUBCONTRACTOR_NAME = "深圳示例劳务有限公司"
SUBCONTRACTOR_USCC = "91440300192174135N"
JOIN_CODE = "DEMO01"
GEOFENCE = {"type": "circle", "center": {"lat": 22.543096, "lng": 114.057865}, "radius_m": 300}
TEAM_NAME = "钢筋班"
DAY_WAGE_FEN = 35000

DEMO_LOGINS = {
    "demo-admin": Role.PROJECT_ADMIN,
    "demo-payroll": Role.LABOUR_MANAGER,
    "demo-approver": Role.PAYROLL_APPROVER,
    "demo-supervisor": Role.SUPERVISOR,
    "demo-leader": Role.TEAM_LEADER,
    "demo-clerk": Role.SUBCONTRACTOR_CLERK,  # 分包劳资员 of the labour subcontractor (钢筋班's employer)
}


@dataclass(frozen=True)
class DemoIds:
    project_id: int
    team_id: int
    company_id: int


def _user(openid: str, name: str) -> User:
    user = db.session.execute(select(User).where(User.openid == openid)).scalar_one_or_none()
    if user is None:
        user = User(openid=openid, display_name=name)
        db.session.add(user)
        db.session.flush()
    return user


def _company(actor_id: int, name: str, uscc: str) -> Company:
    # the demo admin's own registration (others may have registered the same USCC: claims)
    existing = db.session.execute(select(Company).where(Company.uscc == uscc, Company.created_by == actor_id)
                                  ).scalar_one_or_none()
    return existing or org.create_company(actor_id, name, uscc)


def seed_demo() -> DemoIds:
    admin = _user("demo-admin", "项目管理员")
    contractor = _company(admin.id, COMPANY_NAME, COMPANY_USCC)
    project = db.session.execute(select(Project).where(Project.join_code == JOIN_CODE)).scalar_one_or_none()
    if project is None:
        project = org.create_project(
            admin.id, name="深圳湾示例住宅项目", address="广东省深圳市福田区示例路1号",
            general_contractor_id=contractor.id, wage_account_bank="中国建设银行深圳分行",
            wage_account_no="44250100000000001234", geofence=GEOFENCE, join_code=JOIN_CODE,
        )
        project.platform_code = "44030420261201001"  # as the admin enters it after the platform's 项目登记
    labour = _company(admin.id, SUBCONTRACTOR_NAME, SUBCONTRACTOR_USCC)
    if not db.session.execute(select(ProjectCompany.id).where(
            ProjectCompany.project_id == project.id, ProjectCompany.company_id == labour.id)).first():
        org.add_participant(admin.id, project.id, labour.id, "labour_subcontractor")

    team = db.session.execute(select(Team).where(Team.project_id == project.id, Team.name == TEAM_NAME)
                              ).scalar_one_or_none()
    if team is None:
        team = org.create_team(admin.id, project.id, name=TEAM_NAME, default_day_wage_fen=DAY_WAGE_FEN,
                               company_id=labour.id, trade="钢筋工")

    names = {"demo-payroll": "李劳资", "demo-approver": "王审批", "demo-supervisor": "赵监理",
             "demo-leader": "张班长", "demo-clerk": "孙劳务"}
    for openid, role in DEMO_LOGINS.items():
        if role is Role.PROJECT_ADMIN:
            continue  # admin created the project
        user = _user(openid, names[openid])
        held = db.session.execute(select(Membership.id).where(
            Membership.project_id == project.id, Membership.user_id == user.id, Membership.role == role.value)
        ).first()
        if not held:
            # the same path as a real person: an invitation the user accepts
            _, code = invitations.create_invitation(
                admin.id, project.id, role=role.value, team_id=team.id if role is Role.TEAM_LEADER else None,
                ttl_seconds=3600, company_id=labour.id if role is Role.SUBCONTRACTOR_CLERK else None)
            invitations.accept_invitation(user.id, code)
    return DemoIds(project.id, team.id, contractor.id)


# ---------------------------------------------------------------- enrolled workers, one per state

# openid -> (name, birth date, trade); ID numbers are made with a correct check digit for the date
DEMO_WORKERS: dict[str, tuple[str, date, str]] = {
    "demo-worker-pending": ("王小明", date(1990, 3, 15), "钢筋工"),
    "demo-worker-rejected": ("刘强", date(1985, 7, 2), "钢筋工"),
    "demo-worker-signed": ("陈大力", date(1979, 11, 20), "钢筋工"),
}
DEMO_PHOTOS = ("img1.jpg", "img2.jpg")
  # one person (../shared/faces): enrolled, then signing


def demo_id_number(born: date, seq: int) -> str:
    base = f"110105{born:%Y%m%d}{seq:03d}"  # 110105: 北京市朝阳区, valid for every birth year here
    return base + ric.calc_check_digit(base + "0")


def _signature_png(name: str) -> bytes:
    """A stand-in for the handwritten name: a scribble, as the mini-program's canvas exports it."""
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    pen.line([(20 + 50 * i, 90 - 60 * (i % 2)) for i in range(len(name) * 2 + 1)], fill=(20, 20, 20, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _photo(name: str) -> bytes | None:
    path = shared_dir() / "faces" / name
    return path.read_bytes() if path.is_file() else None


def _membership(project_id: int, user: User) -> Membership | None:
    return db.session.execute(select(Membership).where(
        Membership.project_id == project_id, Membership.user_id == user.id, Membership.role == Role.WORKER.value)
    ).scalar_one_or_none()


def seed_workers(ids: DemoIds) -> list[int]:
    """Workers who applied: one pending, one rejected, one complete (face enrolled from a shared photo).
    Returns the face checks to run before ``sign_demo_contract``; running it twice changes nothing."""
    project = db.session.get(Project, ids.project_id)
    assert project is not None
    started = []
    for seq, (openid, (name, born, trade)) in enumerate(DEMO_WORKERS.items(), start=1):
        user = _user(openid, name[0] + "*" * (len(name) - 1))
        if _membership(project.id, user) is not None:
            continue
        for kind, text in consent_texts.CURRENT.items():
            consents.grant_consent(user.id, kind, text.version)
        profile.save_profile(user.id, profile.ProfileInput(
            name=name, id_number=demo_id_number(born, seq * 2 - 1), trade=trade, phone=f"1380013800{seq}",
            bank_card="6222020200112233446", bank_name="中国建设银行",
            emergency_contact={"name": "张家属", "phone": "13900139000"}, **DEMO_PROFILE))  # type: ignore[arg-type]
        membership, _ = org.join_project(user.id, JOIN_CODE, ids.team_id)
        if openid == "demo-worker-rejected":
            labour = _user("demo-payroll", "李劳资")
            review.reject(labour.id, membership.id, "身份证照片与本人不符，请到项目部现场核验")
        elif openid == "demo-worker-signed" and (photo := _photo(DEMO_PHOTOS[0])) is not None:
            started.append(start_face_check(user.id, "enroll", [photo]).id)
    return started


def sign_demo_contract(ids: DemoIds) -> list[int]:
    """The complete worker: approved (contract generated), trained, and signing with a selfie.
    Returns the contract face check to run; it seals the contract when it passes."""
    user = _user("demo-worker-signed", "陈*")
    membership = _membership(ids.project_id, user)
    photo = _photo(DEMO_PHOTOS[1])
    if membership is None or membership.status != "pending" or photo is None:
        return []
    labour = _user("demo-payroll", "李劳资")
    review.approve(labour.id, membership.id)
    for level, hours in rules.DEFAULTS.training_hours.items():
        training.record_training(labour.id, ids.project_id, user.id, level=level, hours=hours,
                                 trained_on=business_day(), note="入场三级安全教育")
    contract = db.session.execute(select(Contract).where(Contract.membership_id == membership.id)).scalar_one()
    return [sign_contract(user.id, contract.id, _signature_png("陈大力"), [photo]).id]
