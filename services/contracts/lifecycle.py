"""Contracts from generation to termination: made on approval, read by the worker and the labour
manager (audited), sealed when signed, ended on 退场."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select

from models import (
    Company,
    Contract,
    ContractKind,
    ContractKindReason,
    ContractStatus,
    Membership,
    MembershipStatus,
    Project,
    ProjectCompany,
    Role,
    Team,
    User,
    db,
)
from models.base import utcnow
from services import audit, pii, seals
from services.authz import Action, authorize
from services.companies import require_particulars
from services.contracts import model_text
from services.contracts.hazards import hazards_of
from services.contracts.lifecycle_dates import add_months
from services.contracts.retirement import past_retirement_age
from services.contracts.templates import TemplateTerms, fill, terms_for, validate_template, yuan
from services.days import business_day
from services.errors import Conflict, NotFound, Unprocessable
from services.storage import objects


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


@dataclass(frozen=True)
class WorkerParty:
    """乙方 as the contract names them (《劳动合同法》第十七条（二）): handed over by the enrollment area,
    read in clear through audited reveals. The list views keep only the masked copies."""

    name: str
    name_masked: str
    id_number_masked: str
    phone_masked: str
    trade: str
    id_number: str = ""
    sex: str = ""
    birth_date: date | None = None
    address: str = ""
    phone: str = ""
    emergency: dict[str, str] = field(default_factory=dict)
    wage_card: str = ""  # bank and last four digits of the worker's own card
    draws_pension: bool = False


def agreement_kind(worker: WorkerParty, start: date) -> tuple[str, str | None]:
    """A labour contract, unless no labour relation is lawful: past the statutory retirement age on the
    start day (official 2024 schedule) or drawing a pension → 用工书面协议 (建市〔2022〕59号 第八条)."""
    if worker.birth_date is not None and worker.sex and past_retirement_age(worker.birth_date, worker.sex, start):
        return ContractKind.SERVICE_AGREEMENT.value, ContractKindReason.RETIREMENT_AGE.value
    if worker.draws_pension:
        return ContractKind.SERVICE_AGREEMENT.value, ContractKindReason.PENSION.value
    return ContractKind.LABOUR_CONTRACT.value, None


def _term_text(term_type: str, start: date, end: date | None, trade: str) -> str:
    if end is not None:
        return model_text.TERM_FIXED.format(start=start.isoformat(), end=end.isoformat())
    if term_type == "open":
        return model_text.TERM_OPEN.format(start=start.isoformat())
    return model_text.TERM_TASK.format(start=start.isoformat(), trade=trade)


def _values(project: Project, team: Team, employer: Company, worker: WorkerParty, terms: TemplateTerms,
            amount: int, term: str, start: date, kind_reason: str | None) -> dict[str, str]:
    missing = "（未填写）"
    contact = worker.emergency
    return {
        "employer_name": employer.name, "employer_uscc": employer.uscc,
        "employer_legal_representative": employer.legal_representative or missing,
        "employer_address": employer.address or missing, "employer_phone": employer.phone or missing,
        "worker_name": worker.name, "worker_sex": model_text.SEX_NAMES.get(worker.sex, missing),
        "id_number": worker.id_number or worker.id_number_masked, "id_number_masked": worker.id_number_masked,
        "worker_address": worker.address or missing, "phone": worker.phone or worker.phone_masked,
        "phone_masked": worker.phone_masked, "emergency_name": contact.get("name", missing),
        "emergency_phone": contact.get("phone", missing), "emergency_address": contact.get("address", missing),
        "emergency_relationship": contact.get("relationship", missing),
        "project_name": project.name, "project_address": project.address, "trade": worker.trade,
        "team_name": team.name, "term": term, "term_start": start.isoformat(),
        "hours": model_text.HOURS[terms.hours_system].format(approval_no=terms.hours_approval_no or ""),
        "wage_type_label": model_text.WAGE_TYPE_LABELS[terms.wage_type],
        "wage_amount": f"{yuan(amount)} {model_text.WAGE_UNITS[terms.wage_type]}", "pay_day": str(terms.pay_day),
        "wage_account_bank": project.wage_account_bank, "wage_card": worker.wage_card or missing,
        "hazards": hazards_of(worker.trade),
        "kind_reason_text": model_text.KIND_REASON_TEXT.get(kind_reason or "", ""),
    }


def generate_contract(actor_id: int, membership_id: int, worker: WorkerParty) -> Contract:
    """Fill the project's template for an approved worker. Called by the approval, in its transaction.
    Refused while the employer's particulars are incomplete or the template lacks a required clause."""
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
    employer = _employer(project, team)
    require_particulars(employer)
    start = business_day()
    kind, kind_reason = agreement_kind(worker, start)
    terms = terms_for(project.id)
    if kind == ContractKind.SERVICE_AGREEMENT.value:
        # the project's wage terms, the built-in agreement text: no labour-relation clauses
        terms = replace(terms, title=model_text.SERVICE_TITLE, body=model_text.SERVICE_BODY,
                        term_type="task" if terms.term_type == "open" else terms.term_type,
                        hours_system="standard")
    validate_template(terms, kind)
    amount = terms.wage_amount_fen if terms.wage_amount_fen is not None else team.default_day_wage_fen
    end = add_months(start, terms.term_months) - timedelta(days=1) if terms.term_months else None
    term = _term_text(terms.term_type, start, end, worker.trade)
    body = fill(terms.body, _values(project, team, employer, worker, terms, amount, term, start, kind_reason))
    contract = Contract(
        project_id=project.id, user_id=user.id, membership_id=membership.id, team_id=team.id,
        status=ContractStatus.UNSIGNED.value, title=terms.title, body_enc="", employer_name=employer.name,
        worker_name_masked=worker.name_masked, trade=worker.trade, wage_type=terms.wage_type,
        wage_amount_fen=amount, pay_day=terms.pay_day, term_start=start, term_end=end,
        kind=kind, kind_reason=kind_reason, employer_company_id=employer.id,
    )
    db.session.add(contract)
    db.session.flush()
    contract.body_enc = pii.encrypt_str(body, context=_context(contract.id, "body"))
    db.session.flush()
    audit.record("contract.generated", actor_user_id=actor_id, object_type="contract", object_id=contract.id,
                 details={"project_id": project.id, "user_id": user.id, "wage_type": terms.wage_type,
                          "wage_amount_fen": amount, "template": "default" if terms.is_default else "project",
                          "kind": kind, "kind_reason": kind_reason, "employer_company_id": employer.id})
    return contract


def get_contract(actor_id: int, contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    if contract.user_id == actor_id:
        return contract  # one's own contract stays readable after 退场, when the membership is over
    if contract.employer_company_id is not None and (
            signs_for(actor_id, contract.project_id) == contract.employer_company_id):
        return contract  # the employer's signatory reads what they sign
    try:
        authorize(actor_id, Action.CONTRACT_VIEW, contract.project_id, subject_user_id=contract.user_id)
    except NotFound as exc:
        raise NotFound("CONTRACT_NOT_FOUND") from exc
    return contract


def signs_for(actor_id: int, project_id: int) -> int | None:
    """The company the caller signs contracts for in this project (an active employer_signatory role)."""
    return db.session.execute(select(Membership.company_id).where(
        Membership.user_id == actor_id, Membership.project_id == project_id,
        Membership.role == Role.EMPLOYER_SIGNATORY.value, Membership.status == MembershipStatus.ACTIVE.value)
    ).scalar_one_or_none()


def contracts_of(actor_id: int) -> list[Contract]:
    return list(db.session.execute(select(Contract).where(Contract.user_id == actor_id).order_by(Contract.id)
                                   ).scalars())


def contract_text(contract: Contract, *, actor_id: int, purpose: str) -> str:
    """The clear text names the worker: every read is on the audit log."""
    return pii.reveal(contract.body_enc, actor_user_id=actor_id, field="contract_body", object_type="contract",
                      object_id=contract.id, purpose=purpose, context=_context(contract.id, "body"))


def signature_png(contract: Contract) -> bytes | None:
    return objects.read(contract.signature_object_id)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="microseconds") if moment else None


def signature_image(actor_id: int, contract_id: int) -> bytes:
    """The handwritten signature of a contract the caller may see (the worker, the labour manager); audited."""
    contract = get_contract(actor_id, contract_id)
    png = signature_png(contract)
    if png is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    audit.record("contract.signature_viewed", actor_user_id=actor_id, object_type="contract", object_id=contract.id)
    return png


def content_hash(contract: Contract) -> str:
    """SHA-256 of what both parties signed: the text, the terms, each signature and its time."""
    body = pii.decrypt_str(contract.body_enc, context=_context(contract.id, "body"))
    witnessed = {"witnessed_by": contract.witnessed_by, "witness_note": contract.witness_note} \
        if contract.witnessed_by is not None else {}  # absent for face-checked ones: their seals stay valid
    content = {
        **witnessed, "contract_id": contract.id, "project_id": contract.project_id, "user_id": contract.user_id,
        "title": contract.title, "body": body, "employer_name": contract.employer_name,
        "wage_type": contract.wage_type, "wage_amount_fen": contract.wage_amount_fen, "pay_day": contract.pay_day,
        "term_start": contract.term_start.isoformat(),
        "term_end": contract.term_end.isoformat() if contract.term_end else None,
        "signature_sha256": contract.signature_sha256, "signing_check_id": contract.signing_check_id,
        "signed_at": _iso(contract.signed_at),
    }
    if contract.employer_signed_at is not None:
        # two-party contracts (issue 26); contracts sealed before keep their canonical form and hash
        content.update({
            "kind": contract.kind, "kind_reason": contract.kind_reason,
            "employer_company_id": contract.employer_company_id, "worker_signed_at": _iso(contract.worker_signed_at),
            "employer_signer_id": contract.employer_signer_id,
            "employer_signature_sha256": contract.employer_signature_sha256,
            "employer_signed_at": _iso(contract.employer_signed_at),
            "employer_sign_method": contract.employer_sign_method})
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
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
