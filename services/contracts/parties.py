"""The employer's side of a contract, and the status both sides lead to.

《劳动合同法》第十六条: "劳动合同由用人单位与劳动者协商一致，并经用人单位与劳动者在劳动合同文本上签字或者盖章
生效。" So a contract (and a 变更协议) is in force only when the worker has signed (services/contracts/signing.py)
and an authorised signatory of the employer company (role ``employer_signatory``, held for one company in one
project) has signed: unsigned → worker_signed / employer_signed → signed. The second signature seals it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from models import Company, Contract, ContractStatus, db
from models.base import utcnow
from services import audit, pii
from services.authz import Action, authorize
from services.companies import seal_png, set_seal
from services.contracts.lifecycle import _context, content_hash, signs_for
from services.contracts.signing import clean_signature
from services.contracts.status import Signable, settle_status
from services.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.storage import objects


def signatory_company(actor_id: int, project_id: int) -> int:
    """The company the caller signs for; 404 to outsiders, 403 to members without the role."""
    authorize(actor_id, Action.CONTRACT_EMPLOYER_SIGN, project_id)
    company_id = signs_for(actor_id, project_id)
    if company_id is None:
        raise Forbidden()
    return company_id


def refusal(record: Signable) -> str | None:
    """Why the employer may not sign this record now (an error code), or None."""
    if record.status == ContractStatus.TERMINATED.value:
        return "CONTRACT_TERMINATED"
    if record.employer_signed_at is not None:
        return "CONTRACT_EMPLOYER_ALREADY_SIGNED"
    return None


@dataclass(frozen=True)
class Mark:
    """What the employer puts on the record: the signatory's handwritten name, or the company's e-seal."""

    png: bytes
    method: str  # handwritten | seal


def employer_mark(company_id: int, signature: bytes | None, use_seal: bool) -> Mark:
    if use_seal:
        company = db.session.get(Company, company_id)
        png = seal_png(company) if company is not None else None
        if png is None:
            raise Unprocessable("COMPANY_SEAL_MISSING", details={"company_id": company_id})
        return Mark(png, "seal")
    return Mark(clean_signature(signature or b""), "handwritten")  # decoded, bounded, re-encoded


def register_seal(actor_id: int, company_id: int, png: bytes) -> Company:
    """The company's e-seal image, checked as a signature PNG is."""
    return set_seal(actor_id, company_id, clean_signature(png))


def put_employer_signature(actor_id: int, record: Signable, object_type: str, mark: Mark,
                           hasher: Callable[[Signable], str]) -> None:
    if (code := refusal(record)) is not None:
        raise Conflict(code, details={"status": record.status})
    _apply_employer_signature(actor_id, record, object_type, mark, hasher)


def _apply_employer_signature(actor_id: int, record: Signable, object_type: str, mark: Mark,
                              hasher: Callable[[Signable], str], *, keep_pdf: bool = True) -> None:
    signature = mark.png
    # the object first (encrypted, bound to this row); the store down → 503 before the row changes
    objects.replace(record, "employer_signature_object_id", signature,
                    context=employer_signature_context(record, object_type), content_type="image/png")
    record.employer_signature_sha256 = hashlib.sha256(signature).hexdigest()
    record.employer_signer_id, record.employer_signed_at = actor_id, utcnow()
    record.employer_sign_method = mark.method
    db.session.flush()
    audit.record(f"{object_type}.employer_signed", actor_user_id=actor_id, object_type=object_type,
                 object_id=record.id, details={"company_id": record.employer_company_id, "method": mark.method,
                                               "signature_sha256": record.employer_signature_sha256})
    if record.status != ContractStatus.SIGNING.value:  # else the worker's face check settles it
        settle_status(record, object_type, hasher, keep_pdf=keep_pdf)


def employer_sign(actor_id: int, contract_id: int, signature: bytes | None, *, use_seal: bool = False) -> Contract:
    """The employer's authorised signatory signs one contract of their company (handwritten PNG, or the
    company's registered e-seal applied by them)."""
    contract = db.session.get(Contract, contract_id, with_for_update=True)
    if contract is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    company_id = signatory_company(actor_id, contract.project_id)
    if contract.employer_company_id != company_id:
        raise NotFound("CONTRACT_NOT_FOUND")  # another company's contract: not theirs to see
    put_employer_signature(actor_id, contract, "contract", employer_mark(company_id, signature, use_seal),
                           content_hash)
    return contract


@dataclass(frozen=True)
class Skipped:
    contract_id: int
    code: str


def employer_sign_many(actor_id: int, project_id: int, contract_ids: list[int], signature: bytes | None, *,
                       use_seal: bool = False) -> tuple[list[Contract], list[Skipped]]:
    """One signature on many contracts of the signatory's company in the project; any other id is skipped
    (CONTRACT_NOT_FOUND: not this company's or not this project's) and said so."""
    company_id = signatory_company(actor_id, project_id)
    mark = employer_mark(company_id, signature, use_seal)
    ids = sorted(set(contract_ids))
    rows = {c.id: c for c in db.session.execute(
        select(Contract).where(Contract.id.in_(ids), Contract.project_id == project_id,
                               Contract.employer_company_id == company_id)
        .order_by(Contract.id).with_for_update()).scalars()}
    signed, skipped = [], []
    for contract_id in ids:
        contract = rows.get(contract_id)
        code = "CONTRACT_NOT_FOUND" if contract is None else refusal(contract)
        if code is not None or contract is None:
            skipped.append(Skipped(contract_id, code or "CONTRACT_NOT_FOUND"))
            continue
        # up to 200 contracts: rendering each PDF here would hold the request for a minute, so a
        # contract sealed by a batch keeps its PDF at its first download (services/contracts/issued.py)
        _apply_employer_signature(actor_id, contract, "contract", mark, content_hash, keep_pdf=False)
        signed.append(contract)
    audit.record("contract.employer_batch_signed", actor_user_id=actor_id, object_type="project",
                 object_id=project_id, details={"company_id": company_id, "signed": [c.id for c in signed],
                                                "skipped": [s.contract_id for s in skipped]})
    return signed, skipped


def employer_signature_context(record: Signable, object_type: str) -> str:
    """The associated data the old ``employer_signature_enc`` column used, kept by the object."""
    return (_context(record.id, "employer_signature") if object_type == "contract"
            else pii.row_context("contract_amendments", "employer_signature_enc", record.id))


def employer_signature_png(record: Signable, object_type: str = "contract") -> bytes | None:
    """The employer's signature (or seal) image; the reference names the object, whatever the record's type."""
    return objects.read(record.employer_signature_object_id)


def project_contracts(actor_id: int, project_id: int, status: str | None) -> list[Contract]:
    """The project's contracts, masked: the employer's signatory sees its own company's (what it has to
    sign); the labour manager and the project admin see all."""
    company_id = signs_for(actor_id, project_id)
    query = select(Contract).where(Contract.project_id == project_id)
    if company_id is not None:
        authorize(actor_id, Action.CONTRACT_EMPLOYER_SIGN, project_id)
        query = query.where(Contract.employer_company_id == company_id)
    else:
        authorize(actor_id, Action.CONTRACT_VIEW, project_id)
    if status is not None:
        query = query.where(Contract.status == status)
    return list(db.session.execute(query.order_by(Contract.id).limit(500)).scalars())
