"""Contracts from generation to termination: made on approval, read by the worker and the labour
manager (audited), sealed when signed, ended on 退场."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from models import (
    Company,
    Contract,
    ContractStatus,
    Membership,
    MembershipStatus,
    Project,
    ProjectCompany,
    Team,
    User,
    db,
)
from models.base import utcnow
from services import audit, pii, seals
from services.authz import Action, authorize
from services.contracts import model_text
from services.contracts.templates import fill, terms_for, yuan
from services.days import business_day
from services.errors import Conflict, NotFound, Unprocessable


def _context(contract_id: int, field: str) -> str:
    return pii.row_context("contracts", f"{field}_enc", contract_id)


def _employer(project: Project, team: Team | None) -> Company:
    """The team's company (often the labour subcontractor) employs; else the general contractor."""
    company_id = team.company_id if team and team.company_id else db.session.execute(
        select(ProjectCompany.company_id).where(ProjectCompany.project_id == project.id,
                                                ProjectCompany.role == "general_contractor").limit(1)
    ).scalar_one()
    company = db.session.get(Company, company_id)
    assert company is not None
    return company


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):  # 31 Jan + 1 month is the last day of February
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class WorkerParty:
    """乙方 as the contract names them: handed over by the enrollment area (the name in clear)."""

    name: str
    name_masked: str
    id_number_masked: str
    phone_masked: str
    trade: str


def generate_contract(actor_id: int, membership_id: int, worker: WorkerParty) -> Contract:
    """Fill the project's template for an approved worker. Called by the approval, in its transaction."""
    membership = db.session.get(Membership, membership_id)
    assert membership is not None and membership.team_id is not None
    existing = db.session.execute(select(Contract).where(
        Contract.membership_id == membership_id, Contract.status != ContractStatus.TERMINATED.value)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    project, team = db.session.get(Project, membership.project_id), db.session.get(Team, membership.team_id)
    user = db.session.get(User, membership.user_id)
    assert project is not None and team is not None and user is not None
    terms = terms_for(project.id)
    employer = _employer(project, team)
    amount = terms.wage_amount_fen if terms.wage_amount_fen is not None else team.default_day_wage_fen
    start = business_day()
    end = add_months(start, terms.term_months) - timedelta(days=1) if terms.term_months else None
    term = (model_text.TERM_FIXED.format(start=start.isoformat(), end=end.isoformat()) if end
            else model_text.TERM_TASK.format(start=start.isoformat(), trade=worker.trade))
    body = fill(terms.body, {
        "employer_name": employer.name, "employer_uscc": employer.uscc, "worker_name": worker.name,
        "id_number_masked": worker.id_number_masked, "phone_masked": worker.phone_masked,
        "project_name": project.name, "project_address": project.address, "trade": worker.trade,
        "team_name": team.name, "term": term, "term_start": start.isoformat(),
        "wage_type_label": model_text.WAGE_TYPE_LABELS[terms.wage_type],
        "wage_amount": f"{yuan(amount)} {model_text.WAGE_UNITS[terms.wage_type]}", "pay_day": str(terms.pay_day),
        "wage_account_bank": project.wage_account_bank,
    })
    contract = Contract(
        project_id=project.id, user_id=user.id, membership_id=membership.id, team_id=team.id,
        status=ContractStatus.UNSIGNED.value, title=terms.title, body_enc="", employer_name=employer.name,
        worker_name_masked=worker.name_masked, trade=worker.trade, wage_type=terms.wage_type,
        wage_amount_fen=amount, pay_day=terms.pay_day, term_start=start, term_end=end,
    )
    db.session.add(contract)
    db.session.flush()
    contract.body_enc = pii.encrypt_str(body, context=_context(contract.id, "body"))
    db.session.flush()
    audit.record("contract.generated", actor_user_id=actor_id, object_type="contract", object_id=contract.id,
                 details={"project_id": project.id, "user_id": user.id, "wage_type": terms.wage_type,
                          "wage_amount_fen": amount, "template": "default" if terms.is_default else "project"})
    return contract


def get_contract(actor_id: int, contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    if contract.user_id == actor_id:
        return contract  # one's own contract stays readable after 退场, when the membership is over
    try:
        authorize(actor_id, Action.CONTRACT_VIEW, contract.project_id, subject_user_id=contract.user_id)
    except NotFound as exc:
        raise NotFound("CONTRACT_NOT_FOUND") from exc
    return contract


def contracts_of(actor_id: int) -> list[Contract]:
    return list(db.session.execute(select(Contract).where(Contract.user_id == actor_id).order_by(Contract.id)
                                   ).scalars())


def contract_text(contract: Contract, *, actor_id: int, purpose: str) -> str:
    """The clear text names the worker: every read is on the audit log."""
    return pii.reveal(contract.body_enc, actor_user_id=actor_id, field="contract_body", object_type="contract",
                      object_id=contract.id, purpose=purpose, context=_context(contract.id, "body"))


def signature_png(contract: Contract) -> bytes | None:
    if contract.signature_enc is None:
        return None
    return pii.decrypt_bytes(contract.signature_enc, context=_context(contract.id, "signature"))


def content_hash(contract: Contract) -> str:
    """SHA-256 of what the worker signed: the text, the terms, the signature and the signing time."""
    body = pii.decrypt_str(contract.body_enc, context=_context(contract.id, "body"))
    canonical = json.dumps({
        "contract_id": contract.id, "project_id": contract.project_id, "user_id": contract.user_id,
        "title": contract.title, "body": body, "employer_name": contract.employer_name,
        "wage_type": contract.wage_type, "wage_amount_fen": contract.wage_amount_fen, "pay_day": contract.pay_day,
        "term_start": contract.term_start.isoformat(),
        "term_end": contract.term_end.isoformat() if contract.term_end else None,
        "signature_sha256": contract.signature_sha256, "signing_check_id": contract.signing_check_id,
        "signed_at": contract.signed_at.isoformat(timespec="microseconds") if contract.signed_at else None,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _recompute_seal(contract_id: int) -> str | None:
    contract = db.session.get(Contract, contract_id)
    if contract is None or contract.signed_at is None or contract.status not in (
            ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value):
        return None
    current = content_hash(contract)
    # the stored copy (shown on the PDF) must agree too; an empty answer never matches the seal
    return current if contract.content_sha256 == current else ""


seals.register("contract", _recompute_seal)


def terminate(actor_id: int, contract_id: int, *, reason: str, on: date) -> Contract:
    """退场: ends the contract and the membership; the signed content itself stays as it was."""
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    authorize(actor_id, Action.CONTRACT_TERMINATE, contract.project_id)
    if contract.status == ContractStatus.TERMINATED.value:
        raise Conflict("CONTRACT_TERMINATED")
    if on < contract.term_start:
        raise Unprocessable("TERMINATION_DATE_INVALID")
    contract.status = ContractStatus.TERMINATED.value
    contract.terminated_at, contract.termination_date = utcnow(), on
    contract.termination_reason, contract.terminated_by = reason, actor_id
    membership = db.session.get(Membership, contract.membership_id)
    if membership is not None and on <= business_day():
        membership.status = MembershipStatus.LEFT.value
    db.session.flush()
    audit.record("contract.terminated", actor_user_id=actor_id, object_type="contract", object_id=contract.id,
                 details={"reason": reason, "date": on.isoformat(), "user_id": contract.user_id})
    # 《工资支付暂行规定》第九条: paid at once on leaving — the settlement payroll opens now
    from services.payroll.settlement import open_settlement

    open_settlement(actor_id, contract.project_id, contract.user_id, contract.team_id, on)
    return contract
