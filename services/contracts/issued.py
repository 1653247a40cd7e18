"""The contract PDF kept as issued (services/storage/issued.py).

Final = sealed: 《劳动合同法》第十六条 (劳动合同由用人单位与劳动者协商一致，并经用人单位与劳动者在劳动合同
文本上签字或者盖章生效) — the second signature makes the contract binding and seals its content
(status.settle_status). At that moment, **in the same transaction** as the status change, the PDF is
rendered as sealed and kept in the object store, object first: a store that does not answer raises
StorageUnavailable (503) and the signature, the status and the seal roll back with it. A terminated
contract keeps serving its signed copy (《劳动合同法》第五十条 keeps the text of an ended contract two
years; the termination is on the contract's record and in the audit chain).

One exception, chosen for the request's sake: a batch employer signature (up to 200 contracts,
parties.employer_sign_many) would render for about 0.3 s per contract inside one request, so
contracts sealed by a batch (and contracts sealed before this release) keep their PDF at their
first download instead, rendered *as sealed* (status signed, no termination note) under the
contract's row lock. Before the seal the PDF is a draft, rendered anew on every download.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from models import Contract, ContractStatus, db
from services import audit
from services.contracts.lifecycle import get_contract
from services.contracts.pdf import FontSettings, configured_font, render_contract_pdf
from services.contracts.status import Signable, on_sealed
from services.errors import ServiceUnavailable
from services.storage import issued
from services.storage.issued import DocumentKind

log = logging.getLogger(__name__)
FINAL = (ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value)


@on_sealed("contract")
def keep_sealed(record: Signable) -> None:
    """Render the sealed contract once and keep it (in the sealing transaction)."""
    assert isinstance(record, Contract)
    try:
        _keep(record, actor_id=record.user_id, font=None)
    except ServiceUnavailable as exc:
        if exc.code != "PDF_FONT_MISSING":
            raise  # STORAGE_UNAVAILABLE: the signature waits for the store (503, or the face job retries)
        # a deployment without the CJK font must not make signing impossible: kept at the first download
        log.error("contract %s sealed without its PDF: no CJK font; kept at the first download", record.id)


def _keep(contract: Contract, *, actor_id: int, font: FontSettings | None) -> bytes:
    pdf = render_contract_pdf(contract, actor_id=actor_id, font=font or configured_font(), as_sealed=True,
                              purpose="contract_pdf_issued")
    issued.keep(DocumentKind.CONTRACT.value, contract.id, pdf, actor_id=actor_id)
    return pdf


def contract_pdf(actor_id: int, contract_id: int, font: FontSettings | None = None
                 ) -> tuple[Contract, bytes | Iterable[bytes], bool]:
    """(contract, the PDF, kept): a sealed contract's kept copy, streamed; a draft rendered live."""
    contract = get_contract(actor_id, contract_id)
    if contract.status not in FINAL:
        return contract, render_contract_pdf(contract, actor_id=actor_id, font=font), False
    doc = issued.find(DocumentKind.CONTRACT.value, contract.id)
    if doc is None:
        db.session.get(Contract, contract.id, with_for_update=True)  # one first download keeps it
        doc = issued.find(DocumentKind.CONTRACT.value, contract.id)
        if doc is None:
            return contract, _keep(contract, actor_id=actor_id, font=font), True
    # the kept PDF shows the worker's name as the rendering did: the clear read is audited the same way
    audit.record("pii.read", actor_user_id=actor_id, object_type="contract", object_id=contract.id,
                 details={"field": "contract_body", "purpose": "contract_pdf"})
    return contract, issued.body(doc), True
