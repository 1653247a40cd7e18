"""Demo data for the embedded mode and for trying the API by hand. Running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import Company, Membership, Project, ProjectCompany, Role, Team, User, db
from services import org

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


def _company(actor: User, name: str, uscc: str) -> Company:
    existing = db.session.execute(select(Company).where(Company.uscc == uscc)).scalar_one_or_none()
    return existing or org.create_company(actor, name, uscc)


def seed_demo() -> DemoIds:
    admin = _user("demo-admin", "项目管理员")
    contractor = _company(admin, COMPANY_NAME, COMPANY_USCC)
    project = db.session.execute(select(Project).where(Project.join_code == JOIN_CODE)).scalar_one_or_none()
    if project is None:
        project = org.create_project(
            admin, name="深圳湾示例住宅项目", address="广东省深圳市福田区示例路1号",
            general_contractor_id=contractor.id, wage_account_bank="中国建设银行深圳分行",
            wage_account_no="44250100000000001234", geofence=GEOFENCE, join_code=JOIN_CODE,
        )
    labour = _company(admin, SUBCONTRACTOR_NAME, SUBCONTRACTOR_USCC)
    if not db.session.execute(select(ProjectCompany.id).where(
            ProjectCompany.project_id == project.id, ProjectCompany.company_id == labour.id)).first():
        org.add_participant(admin, project.id, labour.id, "labour_subcontractor")

    leader = _user("demo-leader", "张班长")
    team = db.session.execute(select(Team).where(Team.project_id == project.id, Team.name == TEAM_NAME)
                              ).scalar_one_or_none()
    if team is None:
        team = org.create_team(admin, project.id, name=TEAM_NAME, default_day_wage_fen=DAY_WAGE_FEN,
                               company_id=labour.id, trade="钢筋工", leader_user_id=leader.id)

    names = {"demo-payroll": "李劳资", "demo-approver": "王审批", "demo-supervisor": "赵监理"}
    for openid, role in DEMO_LOGINS.items():
        if role in (Role.PROJECT_ADMIN, Role.TEAM_LEADER):
            continue  # admin created the project; the leader was made by create_team
        user = _user(openid, names[openid])
        held = db.session.execute(select(Membership.id).where(
            Membership.project_id == project.id, Membership.user_id == user.id, Membership.role == role.value)
        ).first()
        if not held:
            org.grant_role(admin, project.id, user_id=user.id, role=role.value, team_id=None)
    from services.payroll.demo import seed_payroll_demo

    logins = {openid: _user(openid, "").id for openid in DEMO_LOGINS}
    seed_payroll_demo(project.id, team.id, logins)  # last month approved, two of three workers paid
    return DemoIds(project.id, team.id, contractor.id)
