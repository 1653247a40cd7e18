"""Signing in the app: a handwritten name (PNG) and a selfie. The contract is signed when that
selfie's `contract` face check matches the worker's enrolled face (handed over by the face job)."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, UnidentifiedImageError

from models import Contract, ContractStatus, db
from models.base import utcnow
from models.faces import FaceCheck, FaceCheckKind, FaceCheckStatus
from services import audit, pii, seals
from services.contracts.lifecycle import _context, content_hash
from services.errors import Conflict, NotFound, Unprocessable
from services.faces.checks import start_face_check
from services.faces.handover import on_face_check_finished

SIGNATURE_MAX_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PURPOSE = "contract"  # face checks started here carry purpose "contract", purpose_id = the contract


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
    """Store the signature (encrypted) and start the contract face check; 202 with its id."""
    contract = db.session.get(Contract, contract_id, with_for_update=True)  # one signature attempt at a time
    if contract is None or contract.user_id != actor_id:
        raise NotFound("CONTRACT_NOT_FOUND")
    if contract.status in (ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value):
        raise Conflict("CONTRACT_ALREADY_SIGNED", details={"status": contract.status})
    if contract.status == ContractStatus.SIGNING.value and _check_pending(contract.signing_check_id):
        raise Conflict("CONTRACT_SIGNING_IN_PROGRESS")
    signature = clean_signature(signature)
    check = start_face_check(actor_id, FaceCheckKind.CONTRACT.value, frames, project_id=contract.project_id,
                             challenge_nonce=challenge_nonce, purpose=PURPOSE, purpose_id=contract.id)
    contract.signature_enc = pii.encrypt_bytes(signature, context=_context(contract.id, "signature"))
    contract.signature_sha256 = hashlib.sha256(signature).hexdigest()
    contract.status, contract.signing_check_id = ContractStatus.SIGNING.value, check.id
    db.session.flush()
    audit.record("contract.signing_started", actor_user_id=actor_id, object_type="contract",
                 object_id=contract.id, details={"face_check_id": check.id,
                                                 "signature_sha256": contract.signature_sha256})
    return check


def _check_pending(check_id: int | None) -> bool:
    if check_id is None:
        return False
    check = db.session.get(FaceCheck, check_id)
    return check is not None and check.status == FaceCheckStatus.PENDING.value


@on_face_check_finished(PURPOSE)
def contract_check_finished(check: FaceCheck) -> None:
    """Face hand-over: a passed check seals the contract; any other result lets the worker sign again."""
    contract = db.session.get(Contract, check.purpose_id)
    if contract is None or contract.signing_check_id != check.id or contract.status != ContractStatus.SIGNING.value:
        return  # a later signature attempt replaced this one
    if check.status != FaceCheckStatus.PASSED.value:
        contract.status = ContractStatus.UNSIGNED.value
        db.session.flush()
        audit.record("contract.signing_failed", actor_user_id=None, object_type="contract",
                     object_id=contract.id, details={"face_check_id": check.id, "status": check.status})
        return
    contract.signed_at = utcnow()
    contract.status = ContractStatus.SIGNED.value
    contract.content_sha256 = content_hash(contract)
    db.session.flush()
    audit.record("contract.signed", actor_user_id=contract.user_id, object_type="contract",
                 object_id=contract.id, details={"face_check_id": check.id, "sha256": contract.content_sha256})
    seals.seal("contract", contract.id, contract.content_sha256, actor_user_id=contract.user_id)
