"""Contracts: the project's template, the worker's contracts, PDF, signing, termination."""

from __future__ import annotations

from flask import Response, url_for

from blueprints.api import actor_id, answer, api_blueprint, login_required, upload_bytes, writes
from blueprints.contract import raises
from blueprints.miniprogram import media_url
from blueprints.mobile import etag
from models import Contract
from schemas.common import ProjectPath
from schemas.contracts import (
    BatchEmployerSignForm,
    BatchSignedUploadOut,
    ContractList,
    ContractOut,
    ContractPath,
    ContractSignedOut,
    ContractSummary,
    EmployerSignForm,
    ProjectContractsQuery,
    SignAccepted,
    SignForm,
    SkippedOut,
    TemplateIn,
    TemplateOut,
    TerminateIn,
    WitnessIn,
)
from services import contracts
from services.contracts import parties, templates
from services.contracts.issued import contract_pdf as issued_or_draft
from services.contracts.pdf import FontSettings, configured_font
from services.contracts.signing import SIGNATURE_MAX_BYTES
from services.miniprogram import POLL_SECONDS
from services.settings import settings

bp = api_blueprint("contracts", __name__, "contracts", "劳动合同：模板、双方签署（工人手写签名 + 人脸核验或劳资专管员见证；用人单位授权签署人）、变更协议、解除")


def contract_out(contract: Contract, purpose: str) -> ContractOut:
    signature = media_url("contract-signature", contract.id, actor_id()) if contract.signature_object_id else None
    return ContractOut.of(contract, contracts.contract_text(contract, actor_id=actor_id(), purpose=purpose), signature)


def font_settings() -> FontSettings | None:
    return configured_font()


@bp.get("/projects/<int:project_id>/contract-template", responses={200: TemplateOut},
        summary="项目合同模板（未编辑时为内置示范文本）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
def get_template(path: ProjectPath):
    return answer(TemplateOut.of(templates.get_template(actor_id(), path.project_id)))


@bp.put("/projects/<int:project_id>/contract-template", responses={200: TemplateOut},
        summary="编辑项目合同模板（劳资专管员、项目管理员；只影响之后生成的合同）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "TEMPLATE_INVALID", "TEMPLATE_PLACEHOLDERS_INVALID",
        "WAGE_AMOUNT_REQUIRED", "TEMPLATE_CLAUSES_MISSING", "TEMPLATE_TERMS_INVALID")
def update_template(path: ProjectPath, body: TemplateIn):
    return answer(TemplateOut.of(templates.update_template(actor_id(), path.project_id, body.terms())))


@bp.get("/me/contracts", responses={200: ContractList}, summary="本人的劳动合同")
@login_required
@etag
def my_contracts():
    return answer(ContractList(items=[ContractSummary.model_validate(c) for c in contracts.contracts_of(actor_id())]))


@bp.get("/contracts/<int:contract_id>", responses={200: ContractOut},
        summary="合同详情与全文（本人、劳资专管员；记录审计日志）")
@login_required
@writes
@raises("CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def get_contract(path: ContractPath):
    contract = contracts.get_contract(actor_id(), path.contract_id)
    return answer(contract_out(contract, "contract_view"))


@bp.get("/contracts/<int:contract_id>/pdf", responses={200: None},
        summary="合同 PDF（已生效/已解除：签署完成时保存的原件，逐字节不变；未生效：实时生成的草稿；记录审计日志）")
@login_required
@writes
@raises("CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "PDF_FONT_MISSING", "STORAGE_UNAVAILABLE")
def contract_pdf(path: ContractPath):
    contract, body, kept = issued_or_draft(actor_id(), path.contract_id, font_settings())
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="contract-{contract.id}.pdf"', "Cache-Control": "no-store",
        "X-Document-State": "issued" if kept else "draft"})


@bp.post("/contracts/<int:contract_id>/sign", responses={202: SignAccepted},
         summary="签署合同：先上传签约自拍（POST /faces/checks，kind=contract），再上传手写签名并带 face_check_id；"
                 "不带自拍则等待劳资专管员见证")
@login_required
@raises("CONTRACT_NOT_FOUND", "CONTRACT_ALREADY_SIGNED", "CONTRACT_SIGNING_IN_PROGRESS", "SIGNATURE_INVALID",
        "CONSENT_REQUIRED", "PROJECT_NOT_FOUND", "PROJECT_REQUIRED", "FORBIDDEN", "NOT_ENROLLED",
        "REENROLL_NEEDS_APPROVAL", "FACE_CHECK_KIND_INVALID", "FRAME_COUNT_INVALID", "IMAGE_TOO_LARGE",
        "IMAGE_UNDECODABLE", "CHALLENGE_REQUIRED", "CHALLENGE_NOT_FOUND", "CHALLENGE_EXPIRED",
        "CHALLENGE_REPLAYED", "CHALLENGE_FRAMES_INVALID", "FACE_CHECK_NOT_FOUND", "FACE_CHECK_PROJECT_MISMATCH",
        "FACE_CHECK_USED", "FACE_CHECK_STALE", "FACE_CHECK_NOT_PASSED",
        "STORAGE_UNAVAILABLE")
def sign(path: ContractPath, form: SignForm):
    signature = form.signature.stream.read(SIGNATURE_MAX_BYTES + 1)
    if form.face_check_id is None and not form.photo:
        # the non-face way: the labour manager witnesses the handwritten signature
        contracts.sign_by_hand(actor_id(), path.contract_id, signature)
        poll = url_for("contracts.get_contract", contract_id=path.contract_id, _external=True)  # a person decides
        return answer(SignAccepted(face_check_id=None, status="awaiting_witness", poll_url=poll, retry_after=60), 202)
    if form.face_check_id is not None:
        check = contracts.sign_with_face_check(actor_id(), path.contract_id, signature, form.face_check_id)
    else:
        limit = settings().faces.engine.max_bytes
        frames = [f.stream.read(limit + 1) for f in form.photo]
        check = contracts.sign_contract(actor_id(), path.contract_id, signature, frames,
                                        challenge_nonce=form.challenge_nonce)
    signed = check.status == "passed"
    # passed already: the worker's side is done; the contract is in force once the employer has signed too
    status = contracts.get_contract(actor_id(), path.contract_id).status if signed else "signing"
    poll = url_for("faces.get_check", check_id=check.id, _external=True)
    return answer(SignAccepted(face_check_id=check.id, status=status, poll_url=poll,
                               retry_after=0 if signed else POLL_SECONDS), 202,
                  None if signed else {"Retry-After": str(POLL_SECONDS)})


@bp.get("/projects/<int:project_id>/contracts", responses={200: ContractList},
        summary="项目的合同（脱敏；用人单位签署人只看到本企业的合同）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def list_project_contracts(path: ProjectPath, query: ProjectContractsQuery):
    rows = parties.project_contracts(actor_id(), path.project_id, query.status)
    return answer(ContractList(items=[ContractSummary.model_validate(c) for c in rows]))


@bp.post("/contracts/<int:contract_id>/employer-sign", responses={200: ContractSignedOut},
         summary="用人单位签署（授权签署人手写签名；工人也已签署时合同生效）")
@login_required
@raises("CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "SIGNATURE_INVALID",
        "CONTRACT_EMPLOYER_ALREADY_SIGNED", "CONTRACT_TERMINATED", "COMPANY_SEAL_MISSING", "STORAGE_UNAVAILABLE")
def employer_sign(path: ContractPath, form: EmployerSignForm):
    signature = upload_bytes(form.signature, SIGNATURE_MAX_BYTES)
    contract = parties.employer_sign(actor_id(), path.contract_id, signature, use_seal=form.use_seal)
    return answer(ContractSignedOut.of(contract, contracts.contract_text(contract, actor_id=actor_id(),
                                                                   purpose="contract_employer_sign")))


@bp.post("/projects/<int:project_id>/contracts/employer-sign", responses={200: BatchSignedUploadOut},
         summary="用人单位批量签署（只签本企业的合同，其余列入 skipped）")
@login_required
# the last three come back per contract in `skipped`, not as the answer's error
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "SIGNATURE_INVALID", "CONTRACT_NOT_FOUND", "CONTRACT_EMPLOYER_ALREADY_SIGNED",
        "CONTRACT_TERMINATED", "COMPANY_SEAL_MISSING", "STORAGE_UNAVAILABLE")
def employer_sign_batch(path: ProjectPath, form: BatchEmployerSignForm):
    signature = upload_bytes(form.signature, SIGNATURE_MAX_BYTES)
    signed, skipped = parties.employer_sign_many(actor_id(), path.project_id, form.contract_ids, signature,
                                                 use_seal=form.use_seal)
    return answer(BatchSignedUploadOut(signed=[ContractSummary.model_validate(c) for c in signed],
                                 skipped=[SkippedOut(contract_id=s.contract_id, code=s.code) for s in skipped]))


@bp.post("/contracts/<int:contract_id>/witness", responses={200: ContractOut},
         summary="见证工人手写签名（非人脸方式；劳资专管员，不能见证本人合同）")
@login_required
@raises("CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "CONTRACT_SELF_WITNESS",
        "CONTRACT_NOT_AWAITING_WITNESS", "STORAGE_UNAVAILABLE")
def witness(path: ContractPath, body: WitnessIn):
    contract = contracts.witness(actor_id(), path.contract_id, body.note)
    return answer(ContractOut.of(contract, contracts.contract_text(contract, actor_id=actor_id(),
                                                                   purpose="contract_witness")))


@bp.post("/contracts/<int:contract_id>/terminate", responses={200: ContractOut},
         summary="解除合同（退场；劳资专管员、项目管理员）")
@login_required
@raises("CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "CONTRACT_TERMINATED",
        "TERMINATION_DATE_INVALID")
def terminate(path: ContractPath, body: TerminateIn):
    contract = contracts.terminate(actor_id(), path.contract_id, reason=body.reason, on=body.date)
    return answer(contract_out(contract, "contract_terminate"))
