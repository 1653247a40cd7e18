"""变更协议: drawn up by the labour manager, signed by the worker (handwritten + face) and the employer's
signatory; the signed original contract never changes."""

from __future__ import annotations

from flask import url_for

from blueprints.api import actor_id, answer, api_blueprint, login_required, upload_bytes, writes
from blueprints.contract import raises
from blueprints.mobile import etag
from schemas.contracts import (
    AmendmentIn,
    AmendmentList,
    AmendmentOut,
    AmendmentPath,
    AmendmentSignedOut,
    AmendmentSummary,
    ContractPath,
    EmployerSignForm,
    SignAccepted,
    SignForm,
    WitnessIn,
)
from services.contracts import amendments
from services.contracts.signing import SIGNATURE_MAX_BYTES
from services.miniprogram import POLL_SECONDS
from services.settings import settings

bp = api_blueprint("amendments", __name__, "contracts", "劳动合同：模板、双方签署、变更协议、解除")


@bp.post("/contracts/<int:contract_id>/amendments", responses={201: AmendmentOut},
         summary="订立变更协议（工资、发薪日或期限；劳资专管员、项目管理员；双方须重新签署）")
@login_required
@raises("CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "CONTRACT_NOT_IN_FORCE", "AMENDMENT_PENDING",
        "AMENDMENT_NO_CHANGE")
def create_amendment(path: ContractPath, body: AmendmentIn):
    amendment = amendments.create_amendment(actor_id(), path.contract_id, **body.model_dump())
    return answer(AmendmentOut.of(amendment, amendments.amendment_text(amendment, actor_id=actor_id())), 201)


@bp.get("/contracts/<int:contract_id>/amendments", responses={200: AmendmentList}, summary="合同的变更协议")
@login_required
@raises("CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def list_amendments(path: ContractPath):
    rows = amendments.amendments_of(actor_id(), path.contract_id)
    return answer(AmendmentList(items=[AmendmentSummary.model_validate(a) for a in rows]))


@bp.get("/contract-amendments/<int:amendment_id>", responses={200: AmendmentOut},
        summary="变更协议详情与全文（记录审计日志）")
@login_required
@writes
@raises("AMENDMENT_NOT_FOUND", "CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def get_amendment(path: AmendmentPath):
    amendment = amendments.get_amendment(actor_id(), path.amendment_id)
    return answer(AmendmentOut.of(amendment, amendments.amendment_text(amendment, actor_id=actor_id())))


@bp.post("/contract-amendments/<int:amendment_id>/sign", responses={202: SignAccepted},
         summary="工人签署变更协议（同合同签署）：先上传签约自拍（POST /faces/checks，kind=contract），"
                 "再上传手写签名并带 face_check_id；不用人脸：只传签名，由劳资专管员见证")
@login_required
@raises("AMENDMENT_NOT_FOUND", "CONTRACT_ALREADY_SIGNED", "CONTRACT_SIGNING_IN_PROGRESS", "SIGNATURE_INVALID",
        "FACE_CHECK_NOT_FOUND", "FACE_CHECK_PROJECT_MISMATCH", "FACE_CHECK_USED",
        "FACE_CHECK_STALE", "FACE_CHECK_NOT_PASSED",
        "CONSENT_REQUIRED", "PROJECT_NOT_FOUND", "PROJECT_REQUIRED", "FORBIDDEN", "NOT_ENROLLED",
        "REENROLL_NEEDS_APPROVAL", "FACE_CHECK_KIND_INVALID", "FRAME_COUNT_INVALID", "IMAGE_TOO_LARGE",
        "IMAGE_UNDECODABLE", "CHALLENGE_REQUIRED", "CHALLENGE_NOT_FOUND", "CHALLENGE_EXPIRED",
        "CHALLENGE_REPLAYED", "CHALLENGE_FRAMES_INVALID", "STORAGE_UNAVAILABLE")
def sign_amendment(path: AmendmentPath, form: SignForm):
    signature = upload_bytes(form.signature, SIGNATURE_MAX_BYTES) or b""
    if form.face_check_id is not None:
        amendment = amendments.sign_amendment_with_face_check(actor_id(), path.amendment_id, signature,
                                                              form.face_check_id)
    elif form.photo:
        limit = settings().faces.engine.max_bytes
        frames = [upload_bytes(f, limit) or b"" for f in form.photo]
        amendment = amendments.sign_amendment(actor_id(), path.amendment_id, signature, frames,
                                              challenge_nonce=form.challenge_nonce)
    else:  # the non-face way: the labour manager witnesses the handwritten signature
        amendments.sign_amendment_by_hand(actor_id(), path.amendment_id, signature)
        poll = url_for("amendments.get_amendment", amendment_id=path.amendment_id, _external=True)
        return answer(SignAccepted(face_check_id=None, status="awaiting_witness", poll_url=poll, retry_after=60), 202)
    poll = url_for("faces.get_check", check_id=amendment.signing_check_id, _external=True)
    waiting = amendment.status == "signing"  # the selfie's check is still running
    return answer(SignAccepted(face_check_id=amendment.signing_check_id, status=amendment.status, poll_url=poll,
                               retry_after=POLL_SECONDS if waiting else 0), 202,
                  {"Retry-After": str(POLL_SECONDS)} if waiting else None)


@bp.post("/contract-amendments/<int:amendment_id>/employer-sign", responses={200: AmendmentSignedOut},
         summary="用人单位签署变更协议（授权签署人手写签名）")
@login_required
@raises("AMENDMENT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "SIGNATURE_INVALID",
        "CONTRACT_EMPLOYER_ALREADY_SIGNED", "CONTRACT_TERMINATED", "COMPANY_SEAL_MISSING", "STORAGE_UNAVAILABLE")
def employer_sign_amendment(path: AmendmentPath, form: EmployerSignForm):
    signature = upload_bytes(form.signature, SIGNATURE_MAX_BYTES)
    amendment = amendments.employer_sign_amendment(actor_id(), path.amendment_id, signature, use_seal=form.use_seal)
    return answer(AmendmentSignedOut.of(amendment, amendments.amendment_text(amendment, actor_id=actor_id())))


@bp.post("/contract-amendments/<int:amendment_id>/witness", responses={200: AmendmentOut},
         summary="见证工人在变更协议上的手写签名（非人脸方式；劳资专管员，不能见证本人的）")
@login_required
@raises("AMENDMENT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "CONTRACT_SELF_WITNESS",
        "CONTRACT_NOT_AWAITING_WITNESS")
def witness_amendment(path: AmendmentPath, body: WitnessIn):
    amendment = amendments.witness_amendment(actor_id(), path.amendment_id, body.note)
    return answer(AmendmentOut.of(amendment, amendments.amendment_text(amendment, actor_id=actor_id())))
