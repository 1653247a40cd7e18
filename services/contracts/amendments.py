"""变更协议: a change of wage or term after both parties signed (《劳动合同法》第三十五条 "变更劳动合同，应当
采用书面形式"). The labour manager draws it up; the worker signs it as they signed the contract (handwritten
name + face check) and the employer's signatory signs it; the second signature seals it. The signed
original is never touched: its row and seal stay as they were (`flask audit verify`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from models import Contract, ContractAmendment, ContractStatus, db
from models.base import utcnow
from models.faces import FaceCheck, FaceCheckKind, FaceCheckStatus
from services import audit, pii, seals
from services.authz import Action, authorize
from services.contracts import model_text
from services.contracts.lifecycle import contract_text, get_contract
from services.contracts.parties import employer_mark, put_employer_signature, signatory_company
from services.contracts.signing import claim_face_check, clean_signature
from services.contracts.status import settle_status, status_after_failed_worker_check
from services.contracts.templates import yuan
from services.contracts.witness import await_witness, may_sign_for, witness_signature
from services.errors import Conflict, NotFound, Unprocessable
from services.faces.checks import start_face_check
from services.faces.handover import attach, on_face_check_finished
from services.storage import objects

PURPOSE = "contract_amendment"


def _context(amendment_id: int, field: str) -> str:
    return pii.row_context("contract_amendments", f"{field}_enc", amendment_id)


@dataclass(frozen=True)
class Terms:
    wage_type: str
    wage_amount_fen: int
    pay_day: int
    term_end: date | None


def effective_terms(contract: Contract) -> Terms:
    """The terms in force: the newest signed 变更协议's, else the contract's (for payroll and the gate)."""
    latest = db.session.execute(select(ContractAmendment).where(
        ContractAmendment.contract_id == contract.id, ContractAmendment.status == ContractStatus.SIGNED.value)
        .order_by(ContractAmendment.id.desc()).limit(1)).scalar_one_or_none()
    if latest is not None:
        return Terms(latest.wage_type, latest.wage_amount_fen, latest.pay_day, latest.term_end)
    return Terms(contract.wage_type, contract.wage_amount_fen, contract.pay_day, contract.term_end)


def _party_line(text: str, label: str) -> str:
    """A line of the signed contract's parties block (乙方's name and ID number are copied, not re-read)."""
    for line in text.splitlines():
        if line.startswith(label):
            return line.split("：", 1)[1].strip()
    return ""


def create_amendment(actor_id: int, contract_id: int, *, wage_type: str | None, wage_amount_fen: int | None,
                     pay_day: int | None, term_end: date | None, effective_from: date) -> ContractAmendment:
    contract = db.session.get(Contract, contract_id, with_for_update=True)
    if contract is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    authorize(actor_id, Action.CONTRACT_AMEND, contract.project_id)
    if contract.status != ContractStatus.SIGNED.value:
        raise Conflict("CONTRACT_NOT_IN_FORCE", details={"status": contract.status})
    if db.session.execute(select(ContractAmendment.id).where(
            ContractAmendment.contract_id == contract.id,
            ContractAmendment.status != ContractStatus.SIGNED.value).limit(1)).first():
        raise Conflict("AMENDMENT_PENDING")
    now = effective_terms(contract)
    new = Terms(wage_type or now.wage_type, wage_amount_fen if wage_amount_fen is not None else now.wage_amount_fen,
                pay_day or now.pay_day, term_end if term_end is not None else now.term_end)
    changes = []
    if (new.wage_type, new.wage_amount_fen) != (now.wage_type, now.wage_amount_fen):
        changes.append(f"劳动报酬：由{model_text.WAGE_TYPE_LABELS[now.wage_type]}{yuan(now.wage_amount_fen)}"
                       f"{model_text.WAGE_UNITS[now.wage_type]}变更为{model_text.WAGE_TYPE_LABELS[new.wage_type]}"
                       f"{yuan(new.wage_amount_fen)}{model_text.WAGE_UNITS[new.wage_type]}。")
    if new.pay_day != now.pay_day:
        changes.append(f"工资支付日：由每月{now.pay_day}日前变更为每月{new.pay_day}日前。")
    if new.term_end != now.term_end:
        changes.append(f"合同期限：终止日期变更为{new.term_end}（续订）。" if new.term_end else "合同期限不变。")
    if not changes:
        raise Unprocessable("AMENDMENT_NO_CHANGE")
    original = contract_text(contract, actor_id=actor_id, purpose="contract_amendment")
    body = model_text.AMENDMENT_BODY.format(
        employer_name=contract.employer_name, employer_uscc=_party_line(original, "统一社会信用代码"),
        worker_name=_party_line(original, "乙方"), id_number=_party_line(original, "居民身份证号码"),
        original_date=contract.signed_at.date().isoformat() if contract.signed_at else "",
        original_title=contract.title, contract_id=contract.id,
        changes="\n".join(f"{i}．{c}" for i, c in enumerate(changes, 1)), effective_from=effective_from.isoformat())
    amendment = ContractAmendment(
        contract_id=contract.id, project_id=contract.project_id, user_id=contract.user_id,
        employer_company_id=contract.employer_company_id, status=ContractStatus.UNSIGNED.value,
        title=model_text.AMENDMENT_TITLE, body_enc="", wage_type=new.wage_type, wage_amount_fen=new.wage_amount_fen,
        pay_day=new.pay_day, term_end=new.term_end, effective_from=effective_from, created_by=actor_id)
    db.session.add(amendment)
    db.session.flush()
    amendment.body_enc = pii.encrypt_str(body, context=_context(amendment.id, "body"))
    db.session.flush()
    audit.record("contract_amendment.created", actor_user_id=actor_id, object_type="contract_amendment",
                 object_id=amendment.id, details={"contract_id": contract.id, "wage_amount_fen": new.wage_amount_fen,
                                                  "pay_day": new.pay_day, "term_end": str(new.term_end)})
    return amendment


def get_amendment(actor_id: int, amendment_id: int) -> ContractAmendment:
    amendment = db.session.get(ContractAmendment, amendment_id)
    if amendment is None:
        raise NotFound("AMENDMENT_NOT_FOUND")
    try:
        get_contract(actor_id, amendment.contract_id)  # whoever may read the contract may read its amendments
    except NotFound as exc:
        raise NotFound("AMENDMENT_NOT_FOUND") from exc
    return amendment


def amendments_of(actor_id: int, contract_id: int) -> list[ContractAmendment]:
    get_contract(actor_id, contract_id)
    return list(db.session.execute(select(ContractAmendment).where(ContractAmendment.contract_id == contract_id)
                                   .order_by(ContractAmendment.id)).scalars())


def amendment_text(amendment: ContractAmendment, *, actor_id: int) -> str:
    return pii.reveal(amendment.body_enc, actor_user_id=actor_id, field="amendment_body",
                      object_type="contract_amendment", object_id=amendment.id, purpose="amendment_view",
                      context=_context(amendment.id, "body"))


def sign_amendment(actor_id: int, amendment_id: int, signature: bytes, frames: list[bytes],
                   challenge_nonce: str | None = None) -> ContractAmendment:
    """The worker signs as they signed the contract: handwritten name and selfie in one request."""
    amendment = _signable(actor_id, amendment_id)
    signature = clean_signature(signature)  # decoded, bounded, re-encoded before storing
    check = start_face_check(actor_id, FaceCheckKind.CONTRACT.value, frames, project_id=amendment.project_id,
                             challenge_nonce=challenge_nonce, purpose=PURPOSE, purpose_id=amendment.id)
    _begin_signing(actor_id, amendment, signature, check)
    return amendment


def sign_amendment_with_face_check(actor_id: int, amendment_id: int, signature: bytes,
                                   face_check_id: int) -> ContractAmendment:
    """The mini-program's way (one file per wx.uploadFile): the ``contract`` selfie uploaded first as a
    face check, then the signature with its id, under the same rules as the contract's own signature
    (services/contracts/signing.claim_face_check). Passed already: the worker's side is signed now."""
    amendment = _signable(actor_id, amendment_id)
    signature = clean_signature(signature)
    check = claim_face_check(actor_id, face_check_id, amendment.project_id)
    _begin_signing(actor_id, amendment, signature, check)
    if not attach(check.id, PURPOSE, amendment.id):
        amendment_check_finished(db.session.get(FaceCheck, check.id, populate_existing=True))
    return amendment


def _signable(actor_id: int, amendment_id: int) -> ContractAmendment:
    amendment = db.session.get(ContractAmendment, amendment_id, with_for_update=True)
    if amendment is None or amendment.user_id != actor_id:
        raise NotFound("AMENDMENT_NOT_FOUND")
    if amendment.worker_signed_at is not None or amendment.status == ContractStatus.SIGNED.value:
        raise Conflict("CONTRACT_ALREADY_SIGNED", details={"status": amendment.status})
    if amendment.status == ContractStatus.SIGNING.value and amendment.signing_check_id is not None:
        check = db.session.get(FaceCheck, amendment.signing_check_id)
        if check is not None and check.status == FaceCheckStatus.PENDING.value:
            raise Conflict("CONTRACT_SIGNING_IN_PROGRESS")
    return amendment


def sign_amendment_by_hand(actor_id: int, amendment_id: int, signature: bytes) -> ContractAmendment:
    """Without face processing (《人脸识别技术应用安全管理办法》第十条, as for the contract: services/contracts/
    witness.py): the handwritten signature waits for the labour manager's witness."""
    amendment = db.session.get(ContractAmendment, amendment_id, with_for_update=True)
    if amendment is None:
        raise NotFound("AMENDMENT_NOT_FOUND")
    may_sign_for(actor_id, amendment, "AMENDMENT_NOT_FOUND")
    await_witness(actor_id, amendment, "contract_amendment", signature, _store_signature)
    return amendment


def witness_amendment(actor_id: int, amendment_id: int, note: str) -> ContractAmendment:
    amendment = db.session.get(ContractAmendment, amendment_id, with_for_update=True)
    if amendment is None:
        raise NotFound("AMENDMENT_NOT_FOUND")
    witness_signature(actor_id, amendment, "contract_amendment", note, amendment_hash, "AMENDMENT_NOT_FOUND")
    return amendment


def _store_signature(amendment: ContractAmendment, signature: bytes) -> None:
    """Encrypted in the object store; an attempt after a failed face check (or by hand) replaces the
    earlier one, whose object goes once the row points at the new one."""
    objects.replace(amendment, "signature_object_id", signature, context=_context(amendment.id, "signature"),
                    content_type="image/png")
    amendment.signature_sha256 = hashlib.sha256(signature).hexdigest()


def _begin_signing(actor_id: int, amendment: ContractAmendment, signature: bytes, check: FaceCheck) -> None:
    _store_signature(amendment, signature)
    amendment.status, amendment.signing_check_id = ContractStatus.SIGNING.value, check.id
    db.session.flush()
    audit.record("contract_amendment.signing_started", actor_user_id=actor_id, object_type="contract_amendment",
                 object_id=amendment.id, details={"face_check_id": check.id})


def amendment_signature_png(amendment: ContractAmendment) -> bytes | None:
    """The worker's handwritten signature on the 变更协议 (PNG), from the object store."""
    return objects.read(amendment.signature_object_id)


@on_face_check_finished(PURPOSE)
def amendment_check_finished(check: FaceCheck) -> None:
    amendment = db.session.get(ContractAmendment, check.purpose_id)
    if amendment is None or amendment.signing_check_id != check.id or amendment.status != ContractStatus.SIGNING.value:
        return
    if check.status != FaceCheckStatus.PASSED.value:
        amendment.status = status_after_failed_worker_check(amendment)
        db.session.flush()
        return
    amendment.worker_signed_at = utcnow()
    settle_status(amendment, "contract_amendment", amendment_hash)


def employer_sign_amendment(actor_id: int, amendment_id: int, signature: bytes | None, *,
                            use_seal: bool = False) -> ContractAmendment:
    amendment = db.session.get(ContractAmendment, amendment_id, with_for_update=True)
    if amendment is None:
        raise NotFound("AMENDMENT_NOT_FOUND")
    company_id = signatory_company(actor_id, amendment.project_id)
    if amendment.employer_company_id != company_id:
        raise NotFound("AMENDMENT_NOT_FOUND")
    put_employer_signature(actor_id, amendment, "contract_amendment", employer_mark(company_id, signature, use_seal),
                           amendment_hash)
    return amendment


def _iso(moment: object) -> str | None:
    return moment.isoformat(timespec="microseconds") if moment else None  # type: ignore[attr-defined]


def amendment_hash(amendment: ContractAmendment) -> str:  # type: ignore[override]
    body = pii.decrypt_str(amendment.body_enc, context=_context(amendment.id, "body"))
    witnessed = {"witnessed_by": amendment.witnessed_by, "witness_note": amendment.witness_note} \
        if amendment.witnessed_by is not None else {}  # absent for face-checked ones: their seals stay valid
    canonical = json.dumps({
        **witnessed,
        "amendment_id": amendment.id, "contract_id": amendment.contract_id, "user_id": amendment.user_id,
        "body": body, "wage_type": amendment.wage_type, "wage_amount_fen": amendment.wage_amount_fen,
        "pay_day": amendment.pay_day, "term_end": amendment.term_end.isoformat() if amendment.term_end else None,
        "effective_from": amendment.effective_from.isoformat(), "signature_sha256": amendment.signature_sha256,
        "signing_check_id": amendment.signing_check_id, "worker_signed_at": _iso(amendment.worker_signed_at),
        "employer_signer_id": amendment.employer_signer_id,
        "employer_signature_sha256": amendment.employer_signature_sha256,
        "employer_signed_at": _iso(amendment.employer_signed_at), "signed_at": _iso(amendment.signed_at),
        "employer_sign_method": amendment.employer_sign_method,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _recompute(amendment_id: int) -> str | None:
    amendment = db.session.get(ContractAmendment, amendment_id)
    if amendment is None or amendment.status != ContractStatus.SIGNED.value:
        return None
    current = amendment_hash(amendment)
    return current if amendment.content_sha256 == current else ""


seals.register("contract_amendment", _recompute)
