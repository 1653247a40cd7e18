"""Signing without a face check: a handwritten signature the labour manager saw being made.

《人脸识别技术应用安全管理办法》 (2025) 第十条: face recognition may not be the only way where another
exists. A worker without biometric consent (or without a smartphone: then on the labour manager's
phone) signs by hand; the worker's side then waits for the labour manager, who confirms having seen
the worker sign (``witness``) and is recorded as witness, never for their own contract. Only the
worker's side: the contract is in force once the employer has signed too (status.settle_status).
"""

from __future__ import annotations

from collections.abc import Callable

from models import Contract, ContractStatus, db
from models.base import utcnow
from services import audit
from services.authz import Action, authorize
from services.contracts.lifecycle import content_hash
from services.contracts.signing import clean_signature, store_signature
from services.contracts.status import Signable, settle_status
from services.errors import Conflict, Forbidden, NotFound

# a contract or a 变更协议: object type for the audit log and the seal, how its signature is kept, its hash
StoreSignature = Callable[[Signable, bytes], None]
Hasher = Callable[[Signable], str]


def _contract_for(actor_id: int, contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id, with_for_update=True)
    if contract is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    may_sign_for(actor_id, contract, "CONTRACT_NOT_FOUND")
    return contract


def may_sign_for(actor_id: int, record: Signable, not_found: str) -> None:
    """The worker, or the labour manager on whose phone the worker signs; nobody else learns it exists."""
    if record.user_id != actor_id:
        try:
            authorize(actor_id, Action.CONTRACT_WITNESS, record.project_id)
        except (NotFound, Forbidden) as exc:
            raise NotFound(not_found) from exc


def sign_by_hand(actor_id: int, contract_id: int, signature: bytes) -> Contract:
    """Store the handwritten signature; the contract waits for the labour manager's witness."""
    contract = _contract_for(actor_id, contract_id)
    await_witness(actor_id, contract, "contract", signature, store_signature)
    return contract


def await_witness(actor_id: int, record: Signable, object_type: str, signature: bytes,
                  store: StoreSignature) -> None:
    """The handwritten signature kept; the worker's side waits for the labour manager."""
    if record.status in (ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value,
                         ContractStatus.WORKER_SIGNED.value) or record.worker_signed_at is not None:
        raise Conflict("CONTRACT_ALREADY_SIGNED", details={"status": record.status})
    if record.status == ContractStatus.SIGNING.value:
        raise Conflict("CONTRACT_SIGNING_IN_PROGRESS")
    signature = clean_signature(signature)  # decoded, bounded, re-encoded before storing
    store(record, signature)
    record.status, record.signing_check_id = ContractStatus.AWAITING_WITNESS.value, None
    db.session.flush()
    audit.record(f"{object_type}.signed_by_hand", actor_user_id=actor_id, object_type=object_type,
                 object_id=record.id, details={"user_id": record.user_id, "signature_sha256": record.signature_sha256,
                                               "on_labour_managers_phone": actor_id != record.user_id})


def witness(actor_id: int, contract_id: int, note: str) -> Contract:
    """The labour manager saw the worker sign: the worker's side is signed."""
    contract = db.session.get(Contract, contract_id, with_for_update=True)
    if contract is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    witness_signature(actor_id, contract, "contract", note, content_hash, "CONTRACT_NOT_FOUND")
    return contract


def witness_signature(actor_id: int, record: Signable, object_type: str, note: str, hasher: Hasher,
                      not_found: str) -> None:
    """The labour manager confirms having seen ``record``'s worker sign by hand (never their own)."""
    try:
        authorize(actor_id, Action.CONTRACT_WITNESS, record.project_id)
    except NotFound as exc:
        raise NotFound(not_found) from exc
    if record.user_id == actor_id:
        raise Forbidden("CONTRACT_SELF_WITNESS")
    if record.status != ContractStatus.AWAITING_WITNESS.value:
        raise Conflict("CONTRACT_NOT_AWAITING_WITNESS", details={"status": record.status})
    now = utcnow()
    record.witnessed_by, record.witnessed_at, record.witness_note = actor_id, now, note
    record.worker_signed_at = now
    db.session.flush()
    audit.record(f"{object_type}.witnessed", actor_user_id=actor_id, object_type=object_type, object_id=record.id,
                 details={"user_id": record.user_id, "note": note})
    audit.record(f"{object_type}.worker_signed", actor_user_id=record.user_id, object_type=object_type,
                 object_id=record.id, details={"witnessed_by": actor_id})
    settle_status(record, object_type, hasher)  # sealed now if the employer has signed already
