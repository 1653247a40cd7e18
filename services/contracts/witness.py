"""Signing without a face check: a handwritten signature the labour manager saw being made.

《人脸识别技术应用安全管理办法》 (2025) 第十条: face recognition may not be the only way where another
exists. A worker without biometric consent (or without a smartphone: then on the labour manager's
phone) signs by hand; the worker's side then waits for the labour manager, who confirms having seen
the worker sign (``witness``) and is recorded as witness, never for their own contract. Only the
worker's side: the contract is in force once the employer has signed too (status.settle_status).
"""

from __future__ import annotations

from models import Contract, ContractStatus, db
from models.base import utcnow
from services import audit
from services.authz import Action, authorize
from services.contracts.lifecycle import content_hash
from services.contracts.signing import clean_signature, store_signature
from services.contracts.status import settle_status
from services.errors import Conflict, Forbidden, NotFound


def _contract_for(actor_id: int, contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id, with_for_update=True)
    if contract is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    if contract.user_id != actor_id:
        try:  # the worker signing on the labour manager's phone
            authorize(actor_id, Action.CONTRACT_WITNESS, contract.project_id)
        except (NotFound, Forbidden) as exc:
            raise NotFound("CONTRACT_NOT_FOUND") from exc
    return contract


def sign_by_hand(actor_id: int, contract_id: int, signature: bytes) -> Contract:
    """Store the handwritten signature; the contract waits for the labour manager's witness."""
    contract = _contract_for(actor_id, contract_id)
    if contract.status in (ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value,
                           ContractStatus.WORKER_SIGNED.value):
        raise Conflict("CONTRACT_ALREADY_SIGNED", details={"status": contract.status})
    if contract.status == ContractStatus.SIGNING.value:
        raise Conflict("CONTRACT_SIGNING_IN_PROGRESS")
    signature = clean_signature(signature)  # decoded, bounded, re-encoded before storing
    store_signature(contract, signature)
    contract.status, contract.signing_check_id = ContractStatus.AWAITING_WITNESS.value, None
    db.session.flush()
    audit.record("contract.signed_by_hand", actor_user_id=actor_id, object_type="contract", object_id=contract.id,
                 details={"user_id": contract.user_id, "signature_sha256": contract.signature_sha256,
                          "on_labour_managers_phone": actor_id != contract.user_id})
    return contract


def witness(actor_id: int, contract_id: int, note: str) -> Contract:
    """The labour manager saw the worker sign: the worker's side is signed."""
    contract = db.session.get(Contract, contract_id, with_for_update=True)
    if contract is None:
        raise NotFound("CONTRACT_NOT_FOUND")
    try:
        authorize(actor_id, Action.CONTRACT_WITNESS, contract.project_id)
    except NotFound as exc:
        raise NotFound("CONTRACT_NOT_FOUND") from exc
    if contract.user_id == actor_id:
        raise Forbidden("CONTRACT_SELF_WITNESS")
    if contract.status != ContractStatus.AWAITING_WITNESS.value:
        raise Conflict("CONTRACT_NOT_AWAITING_WITNESS", details={"status": contract.status})
    now = utcnow()
    contract.witnessed_by, contract.witnessed_at, contract.witness_note = actor_id, now, note
    contract.worker_signed_at = now
    db.session.flush()
    audit.record("contract.witnessed", actor_user_id=actor_id, object_type="contract", object_id=contract.id,
                 details={"user_id": contract.user_id, "note": note})
    audit.record("contract.worker_signed", actor_user_id=contract.user_id, object_type="contract",
                 object_id=contract.id, details={"witnessed_by": actor_id})
    settle_status(contract, "contract", content_hash)  # sealed now if the employer has signed already
    return contract
