"""Outbox events as the national data standard's objects (field names as in ibisTime/xn-gchf):
ProjectWorker, WorkerContract, WorkerAttendance (direction 01 in / 02 out), WorkerEntryExit,
Team, PayRoll with its PayRollDetail list. ID and bank card numbers leave AES-encrypted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from infra.platform_protocol import encrypt_field
from models import Company, Contract, Membership, Project, ProjectCompany, Team, WorkerProfile, db
from models.attendance import AttendanceDay
from models.oversight import PushEvent
from models.payroll import Payroll, PayrollLine
from services.days import SITE_TZ
from services.errors import NotFound
from services.pii import decrypt_str, row_context

DIRECTION = {"in": "01", "out": "02"}


def _beijing(at: datetime) -> str:
    return at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _project_code(project: Project) -> str:
    return f"SR{project.id:08d}"  # the platform's project code once registered; ours until then


def _contractor(project_id: int) -> Company | None:
    return db.session.execute(select(Company).join(ProjectCompany, ProjectCompany.company_id == Company.id).where(
        ProjectCompany.project_id == project_id, ProjectCompany.role == "general_contractor").limit(1)
    ).scalar_one_or_none()


def _team_company(team: Team | None, project_id: int) -> Company | None:
    if team is not None and team.company_id:
        return db.session.get(Company, team.company_id)
    return _contractor(project_id)


def _person(user_id: int, secret: str) -> dict[str, str]:
    """The worker's name and ID number (decrypted here, sent AES-encrypted: a legal reporting duty)."""
    p = db.session.execute(select(WorkerProfile).where(WorkerProfile.user_id == user_id)).scalar_one_or_none()
    if p is None:
        raise NotFound("PROFILE_NOT_FOUND")
    number = decrypt_str(p.id_number_enc, context=row_context("worker_profiles", "id_number_enc", p.id))
    name = decrypt_str(p.name_enc, context=row_context("worker_profiles", "name_enc", p.id))
    # 证件类型: the platform's code as the profile holds it (services/id_types.py)
    out = {"workerName": name, "idCardType": p.id_type, "idCardNumber": encrypt_field(number, secret)}
    if p.bank_card_enc:
        card = decrypt_str(p.bank_card_enc, context=row_context("worker_profiles", "bank_card_enc", p.id))
        out |= {"payRollBankCardNumber": encrypt_field(card, secret), "payRollBankName": p.bank_name or ""}
    return out


def _team_header(project: Project, team: Team | None) -> dict[str, Any]:
    corp = _team_company(team, project.id)
    return {"projectCode": _project_code(project), "corpCode": corp.uscc if corp else "",
            "corpName": corp.name if corp else "", "teamSysNo": str(team.id) if team else "",
            "teamName": team.name if team else ""}


def project_worker(membership_id: int, secret: str) -> dict[str, Any]:
    m = db.session.get(Membership, membership_id)
    team = db.session.get(Team, m.team_id) if m.team_id else None
    person = _person(m.user_id, secret)
    worker = {k: person[k] for k in ("workerName", "idCardType", "idCardNumber")}
    worker |= {"isTeamLeader": "1" if team is not None and team.leader_user_id == m.user_id else "0",
               "workType": "", "workRole": "20"}
    if "payRollBankCardNumber" in person:
        worker |= {"payRollBankCardNumber": person["payRollBankCardNumber"], "payRollBankName": person["payRollBankName"]}
    return _team_header(db.session.get(Project, m.project_id), team) | {"workerList": [worker]}


def worker_exit(membership_id: int, secret: str) -> dict[str, Any]:
    m = db.session.get(Membership, membership_id)
    team = db.session.get(Team, m.team_id) if m.team_id else None
    person = _person(m.user_id, secret)
    return _team_header(db.session.get(Project, m.project_id), team) | {"workerList": [{
        "idCardType": person["idCardType"], "idCardNumber": person["idCardNumber"], "type": "0"}]}  # 0 退场, 1 进场


def worker_contract(contract_id: int, secret: str) -> dict[str, Any]:
    c = db.session.get(Contract, contract_id)
    project = db.session.get(Project, c.project_id)
    corp = _team_company(db.session.get(Team, c.team_id) if c.team_id else None, c.project_id)
    person = _person(c.user_id, secret)
    return {"projectCode": _project_code(project), "contractList": [{
        "corpCode": corp.uscc if corp else "", "corpName": c.employer_name, "idCardType": person["idCardType"],
        "idCardNumber": person["idCardNumber"], "contractPeriodType": "0" if c.term_end else "1",
        "startDate": c.term_start.isoformat(), "endDate": c.term_end.isoformat() if c.term_end else "",
        "unit": {"day": "1", "month": "2", "piece": "3"}.get(c.wage_type, "1"),
        "unitPrice": f"{c.wage_amount_fen / 100:.2f}"}]}


def worker_attendance(day_id: int, secret: str) -> dict[str, Any]:
    d = db.session.get(AttendanceDay, day_id)
    team = db.session.get(Team, d.team_id) if d.team_id else None
    person = _person(d.user_id, secret)
    marks = [("in", d.first_in), ("out", d.last_out)]
    return {"projectCode": _project_code(db.session.get(Project, d.project_id)),
            "teamSysNo": str(team.id) if team else "", "dataList": [
                {"idCardType": person["idCardType"], "idCardNumber": person["idCardNumber"], "direction": DIRECTION[k],
                 "date": _beijing(at)} for k, at in marks if at is not None]}


def payroll_detail(line_id: int, secret: str) -> dict[str, Any]:
    """One paid line as a PayRoll with its PayRollDetail (amounts in yuan, as the platform takes them)."""
    line = db.session.get(PayrollLine, line_id)
    payroll = db.session.get(Payroll, line.payroll_id)
    project = db.session.get(Project, payroll.project_id)
    team = db.session.get(Team, line.team_id) if line.team_id else None
    person = _person(line.user_id, secret)
    detail = {"idCardType": person["idCardType"], "idCardNumber": person["idCardNumber"], "days": f"{line.half_days / 2:g}",
              "workHours": f"{line.half_days * 4:g}", "payRollBankName": line.bank_name or "",
              "totalPayAmount": f"{line.gross_fen / 100:.2f}", "actualAmount": f"{line.net_fen / 100:.2f}",
              "isBackPay": "1" if line.carried_months else "0",
              "balanceDate": line.paid_at.astimezone(SITE_TZ).date().isoformat() if line.paid_at else "",
              "thirdPayRollCode": line.paid_ref or ""}
    if "payRollBankCardNumber" in person:
        detail["payRollBankCardNumber"] = person["payRollBankCardNumber"]
    return _team_header(project, team) | {"payMonth": payroll.month, "detailList": [detail]}


def team(team_id: int, secret: str) -> dict[str, Any]:
    t = db.session.get(Team, team_id)
    return _team_header(db.session.get(Project, t.project_id), t)


BUILDERS: dict[str, Callable[[int, str], dict[str, Any]]] = {
    "ProjectWorker.Add": project_worker,
    "WorkerEntryExit.Add": worker_exit,
    "WorkerContract.Add": worker_contract,
    "WorkerAttendance.Add": worker_attendance,
    "Team.Add": team,
    "Payroll.Add": payroll_detail,
}


def build(event: PushEvent, secret: str) -> dict[str, Any]:
    return BUILDERS[event.method](event.object_id, secret) | {"thirdSerialCode": event.stable_id}
