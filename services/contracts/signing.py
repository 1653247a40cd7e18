"""The worker's signature in the app: a handwritten name (PNG) and a selfie. The worker has signed when
that selfie's `contract` face check matches their enrolled face (handed over by the face job); the
contract is in force once the employer has signed too (services/contracts/parties.py, status.py).

Two ways to bring the selfie: in the same request (``sign_contract``: two files, not possible
with wx.uploadFile), or as a face check uploaded first (``sign_with_face_check``: the mini-program's
way, one file per call). Both end in ``_begin_signing``.
"""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from PIL import Image, UnidentifiedImageError

from models import Contract, ContractStatus, db
from models.base import utcnow
from models.faces import FaceCheck, FaceCheckKind, FaceCheckStatus
from services import audit
from services.contracts.lifecycle import _context, content_hash
from services.contracts.status import settle_status, status_after_failed_worker_check
from services.errors import Conflict, NotFound, Unprocessable
from services.faces.checks import start_face_check
from services.faces.handover import attach, on_face_check_finished
from services.storage import objects

SIGNATURE_MAX_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PURPOSE = "contract"  # face checks started here carry purpose "contract", purpose_id = the contract
# a selfie uploaded first must be this recent when the signature arrives: the face and the hand
# belong to the same sitting (as a clock's selfie must precede its clock by at most 10 minutes)
FACE_CHECK_WINDOW = timedelta(minutes=10)


SIGNATURE_MAX_SIDE = 4000


def clean_signature(png: bytes) -> bytes:
    """The handwritten PNG, fully decoded and re-encoded: what is stored and later drawn into PDFs.

    ``verify()`` checks only the chunks' CRCs; a PNG with valid CRCs and garbage image data passed it
    and broke every PDF that drew it. The declared size is checked before any pixel is decoded (a
    68-byte PNG can declare 30000×30000), then ``load()`` decodes everything, and the pixels are
    written again as a fresh PNG (no ancillary chunks survive)."""
    bad = Unprocessable("SIGNATURE_INVALID", details={
        "fields": [{"loc": "signature", "type": "signature_invalid", "msg": "需为 PNG 图片"}]})
    if not png.startswith(PNG_MAGIC) or len(png) > SIGNATURE_MAX_BYTES:
        raise bad
    try:
        with Image.open(io.BytesIO(png)) as im:
            width, height = im.size
            if im.format != "PNG" or not (50 <= width <= SIGNATURE_MAX_SIDE and 20 <= height <= SIGNATURE_MAX_SIDE):
                raise bad
            im.load()
            pixels = im.convert("RGBA")
        out = io.BytesIO()
        pixels.save(out, "PNG", optimize=True)
    except Unprocessable:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError,
            Image.DecompressionBombError) as exc:
        raise bad from exc
    return out.getvalue()


def sign_contract(actor_id: int, contract_id: int, signature: bytes, frames: list[bytes],
                  challenge_nonce: str | None = None) -> FaceCheck:
    """Signature and selfie in one request: store the signature and start the contract face check."""
    contract = _signable(actor_id, contract_id)
    signature = clean_signature(signature)  # decoded, bounded, re-encoded before storing
    check = start_face_check(actor_id, FaceCheckKind.CONTRACT.value, frames, project_id=contract.project_id,
                             challenge_nonce=challenge_nonce, purpose=PURPOSE, purpose_id=contract.id)
    _begin_signing(actor_id, contract, signature, check)
    return check


def sign_with_face_check(actor_id: int, contract_id: int, signature: bytes, face_check_id: int) -> FaceCheck:
    """The second of two calls: the signature, with the ``contract`` face check uploaded just before.

    The check must be the worker's own, for this contract's project, of kind ``contract``, not used
    by another signature and at most FACE_CHECK_WINDOW old. Still pending: the contract is
    ``signing`` until the face job hands the result over; passed already: signed now.
    """
    contract = _signable(actor_id, contract_id)
    signature = clean_signature(signature)  # decoded, bounded, re-encoded before storing
    check = claim_face_check(actor_id, face_check_id, contract.project_id)
    _begin_signing(actor_id, contract, signature, check)
    if not attach(check.id, PURPOSE, contract.id):
        # decided before the signature came (passed: checked above): the hand-over acts now
        contract_check_finished(db.session.get(FaceCheck, check.id, populate_existing=True))
    return check


def claim_face_check(actor_id: int, face_check_id: int, project_id: int) -> FaceCheck:
    """A ``contract`` selfie uploaded first, fit to sign with (locked): the worker's own, this project's,
    not used by another signature, at most FACE_CHECK_WINDOW old, and pending or passed. Used by the
    contract and its 变更协议 alike, so both are signed the same way from the phone."""
    check = db.session.get(FaceCheck, face_check_id, with_for_update=True, populate_existing=True)
    if check is None or check.user_id != actor_id:
        raise NotFound("FACE_CHECK_NOT_FOUND")
    if check.kind != FaceCheckKind.CONTRACT.value:
        raise Unprocessable("FACE_CHECK_KIND_INVALID", "请使用签约自拍（kind=contract）签署", {"kind": check.kind})
    if check.project_id != project_id:
        raise Unprocessable("FACE_CHECK_PROJECT_MISMATCH")
    if check.purpose is not None:
        raise Conflict("FACE_CHECK_USED", "该自拍已用于签署，请重新拍照")
    if check.created_at < utcnow() - FACE_CHECK_WINDOW:
        raise Unprocessable("FACE_CHECK_STALE", "签约自拍已超过 10 分钟，请重新拍照后签署",
                            {"window_minutes": int(FACE_CHECK_WINDOW.total_seconds() // 60)})
    if check.status not in (FaceCheckStatus.PENDING.value, FaceCheckStatus.PASSED.value):
        raise Unprocessable("FACE_CHECK_NOT_PASSED", details={"status": check.status,
                                                               "reason_code": check.reason_code})
    return check


def _signable(actor_id: int, contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id, with_for_update=True)  # one signature attempt at a time
    if contract is None or contract.user_id != actor_id:
        raise NotFound("CONTRACT_NOT_FOUND")
    if contract.status in (ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value,
                           ContractStatus.WORKER_SIGNED.value):
        raise Conflict("CONTRACT_ALREADY_SIGNED", details={"status": contract.status})
    if contract.status == ContractStatus.SIGNING.value and _check_pending(contract.signing_check_id):
        raise Conflict("CONTRACT_SIGNING_IN_PROGRESS")
    return contract


def store_signature(contract: Contract, signature: bytes) -> None:
    """Keep the worker's handwritten signature (encrypted, in the object store); a new attempt after a
    failed face check replaces it and the old object goes after commit."""
    objects.replace(contract, "signature_object_id", signature, context=_context(contract.id, "signature"),
                    content_type="image/png")
    contract.signature_sha256 = hashlib.sha256(signature).hexdigest()


def _begin_signing(actor_id: int, contract: Contract, signature: bytes, check: FaceCheck) -> None:
    """Keep the signature (encrypted) and wait for ``check``: the one place a face-checked signing starts."""
    store_signature(contract, signature)
    contract.status, contract.signing_check_id = ContractStatus.SIGNING.value, check.id
    db.session.flush()
    audit.record("contract.signing_started", actor_user_id=actor_id, object_type="contract",
                 object_id=contract.id, details={"face_check_id": check.id,
                                                 "signature_sha256": contract.signature_sha256})


def _check_pending(check_id: int | None) -> bool:
    if check_id is None:
        return False
    check = db.session.get(FaceCheck, check_id)
    return check is not None and check.status == FaceCheckStatus.PENDING.value


@on_face_check_finished(PURPOSE)
def contract_check_finished(check: FaceCheck) -> None:
    """Face hand-over: a passed check is the worker's signature (sealed once the employer's is in too);
    any other result lets the worker sign again."""
    contract = db.session.get(Contract, check.purpose_id)
    if contract is None or contract.signing_check_id != check.id or contract.status != ContractStatus.SIGNING.value:
        return  # a later signature attempt replaced this one
    if check.status != FaceCheckStatus.PASSED.value:
        contract.status = status_after_failed_worker_check(contract)
        db.session.flush()
        audit.record("contract.signing_failed", actor_user_id=None, object_type="contract",
                     object_id=contract.id, details={"face_check_id": check.id, "status": check.status})
        return
    contract.worker_signed_at = utcnow()
    db.session.flush()
    audit.record("contract.worker_signed", actor_user_id=contract.user_id, object_type="contract",
                 object_id=contract.id, details={"face_check_id": check.id})
    settle_status(contract, "contract", content_hash)
