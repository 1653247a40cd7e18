"""Whose payroll: the employer (用人单位) of each team and which workers a payroll covers.

A team belongs to a participant company of the project (``teams.company_id``; none means the
general contractor). A payroll is per project, month and employer (Art. 30: the subcontractor
"对所招用农民工的实名制管理和工资支付负直接责任"): a monthly one, supplementary ones for the
lines held from it, and settlement ones for a leaving worker.
"""

from __future__ import annotations

from sqlalchemy import func, select

from models import Company, ParticipantRole, ProjectCompany, Team, db
from models.payroll import Payroll, PayrollKind, PayrollLine, PayrollStatus, SlipStatus
from services.authz import general_contractor_of
from services.errors import Unprocessable

EMPLOYER_ROLES = (ParticipantRole.GENERAL_CONTRACTOR.value, ParticipantRole.SUBCONTRACTOR.value,
                  ParticipantRole.LABOUR_SUBCONTRACTOR.value)


def employer_of_project(project_id: int, company_id: int | None) -> tuple[int, bool]:
    """The payroll's employer (default: the general contractor) and whether it is a subcontractor."""
    gc = general_contractor_of(project_id)
    company_id = company_id or gc
    linked = db.session.execute(select(ProjectCompany.id).where(
        ProjectCompany.project_id == project_id, ProjectCompany.company_id == company_id,
        ProjectCompany.role.in_(EMPLOYER_ROLES))).first()
    if company_id is None or not linked:
        raise Unprocessable("COMPANY_NOT_EMPLOYER", details={"company_id": company_id})
    return company_id, company_id != gc


def company_name(company_id: int) -> str:
    return db.session.execute(select(Company.name).where(Company.id == company_id)).scalar_one_or_none() or ""


def team_companies(project_id: int) -> dict[int, int]:
    """Each team of the project and its employer (the general contractor when the team names none)."""
    gc = general_contractor_of(project_id)
    return {tid: cid or gc for tid, cid in db.session.execute(
        select(Team.id, Team.company_id).where(Team.project_id == project_id))}


def settled_users(project_id: int, month: str, company_id: int) -> set[int]:
    """Workers paid for this month by a settlement payroll (not sent back): the monthly one leaves them out."""
    return set(db.session.execute(select(Payroll.settlement_user_id).where(
        Payroll.project_id == project_id, Payroll.month == month, Payroll.company_id == company_id,
        Payroll.kind == PayrollKind.SETTLEMENT.value, Payroll.status != PayrollStatus.REJECTED.value)).scalars())


def held_users(project_id: int, month: str, company_id: int, except_payroll: int | None = None) -> set[int]:
    """Workers whose line of this month was held and is not yet in a later supplementary payroll
    (``except_payroll``: the supplementary payroll being rebuilt does not cover its own lines)."""
    rows = db.session.execute(select(PayrollLine.user_id, Payroll.kind, Payroll.seq, PayrollLine.slip_status).join(
        Payroll, Payroll.id == PayrollLine.payroll_id).where(
        Payroll.project_id == project_id, Payroll.month == month, Payroll.company_id == company_id,
        Payroll.kind != PayrollKind.SETTLEMENT.value, Payroll.id != (except_payroll or 0))).all()
    held: dict[int, int] = {}
    covered: dict[int, int] = {}
    for uid, kind, seq, slip in rows:
        if slip == SlipStatus.HELD.value:
            held[uid] = max(held.get(uid, -1), seq)
        elif kind == PayrollKind.SUPPLEMENTARY.value:
            covered[uid] = max(covered.get(uid, -1), seq)
    return {uid for uid, seq in held.items() if covered.get(uid, -1) < seq}


def next_seq(project_id: int, month: str, company_id: int, kind: str) -> int:
    top = db.session.execute(select(func.max(Payroll.seq)).where(
        Payroll.project_id == project_id, Payroll.month == month, Payroll.company_id == company_id,
        Payroll.kind == kind)).scalar_one_or_none()
    return 1 if top is None else int(top) + 1
