"""Where a contract (or a 变更协议) stands after a signature: unsigned → worker_signed / employer_signed →
signed. 《劳动合同法》第十六条: in force once both parties have signed; the second signature seals it
(SHA-256 in the audit chain, rechecked by `flask audit verify`)."""

from __future__ import annotations

from collections.abc import Callable

from models import Contract, ContractAmendment, ContractStatus, db
from models.base import utcnow
from services import audit, seals

Signable = Contract | ContractAmendment
# what else happens in the sealing transaction, per object type (services/contracts/issued.py keeps the
# contract's PDF as issued); registered, as status.py cannot import the PDF (it imports this module)
_ON_SEALED: dict[str, Callable[[Signable], None]] = {}


def on_sealed(object_type: str) -> Callable[[Callable[[Signable], None]], Callable[[Signable], None]]:
    def register(fn: Callable[[Signable], None]) -> Callable[[Signable], None]:
        _ON_SEALED[object_type] = fn
        return fn
    return register


def settle_status(record: Signable, object_type: str, hasher: Callable[[Signable], str], *,
                  keep_pdf: bool = True) -> None:
    """After either signature: signed (and sealed) when both are in, else who has signed so far.
    ``keep_pdf=False`` (a batch of up to 200 signatures) leaves the issued PDF to the first download."""
    if record.worker_signed_at is not None and record.employer_signed_at is not None:
        record.signed_at = utcnow()
        record.status = ContractStatus.SIGNED.value
        db.session.flush()
        record.content_sha256 = hasher(record)
        db.session.flush()
        audit.record(f"{object_type}.signed", actor_user_id=record.user_id, object_type=object_type,
                     object_id=record.id, details={"sha256": record.content_sha256,
                                                   "employer_signer_id": record.employer_signer_id})
        seals.seal(object_type, record.id, record.content_sha256, actor_user_id=record.user_id)
        if keep_pdf and object_type in _ON_SEALED:
            _ON_SEALED[object_type](record)
        return
    record.status = (ContractStatus.WORKER_SIGNED.value if record.worker_signed_at is not None
                     else ContractStatus.EMPLOYER_SIGNED.value if record.employer_signed_at is not None
                     else ContractStatus.UNSIGNED.value)
    db.session.flush()


def status_after_failed_worker_check(record: Signable) -> str:
    return ContractStatus.EMPLOYER_SIGNED.value if record.employer_signed_at else ContractStatus.UNSIGNED.value
