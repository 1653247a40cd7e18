"""Contracts: the project's template, the worker's contracts, PDF, signing, termination."""

from __future__ import annotations

from flask import Response, current_app, url_for

from blueprints.api import actor_id, answer, api_blueprint, login_required, writes
from blueprints.contract import raises
from blueprints.mobile import etag
from schemas.common import ProjectPath
from schemas.contracts import (
    ContractList,
    ContractOut,
    ContractPath,
    ContractSummary,
    SignAccepted,
    SignForm,
    TemplateIn,
    TemplateOut,
    TerminateIn,
)
from services import contracts
from services.contracts import templates
from services.contracts.pdf import FontSettings, render_contract_pdf
from services.contracts.signing import SIGNATURE_MAX_BYTES
from services.settings import settings

bp = api_blueprint("contracts", __name__, "contracts", "劳动合同：模板、签署（手写签名 + 人脸核验）、解除")


def font_settings() -> FontSettings | None:
    path = current_app.config.get("CONTRACT_FONT_PATH")
    return FontSettings(path, int(current_app.config.get("CONTRACT_FONT_INDEX", 0))) if path else None


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
        "WAGE_AMOUNT_REQUIRED")
def update_template(path: ProjectPath, body: TemplateIn):
    terms = templates.TemplateTerms(**body.model_dump(), is_default=False)
    return answer(TemplateOut.of(templates.update_template(actor_id(), path.project_id, terms)))


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
    return answer(ContractOut.of(contract, contracts.contract_text(contract, actor_id=actor_id(),
                                                                   purpose="contract_view")))


@bp.get("/contracts/<int:contract_id>/pdf", responses={200: None}, summary="合同 PDF（记录审计日志）")
@login_required
@writes
@raises("CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "PDF_FONT_MISSING", "STORAGE_UNAVAILABLE")
def contract_pdf(path: ContractPath):
    contract = contracts.get_contract(actor_id(), path.contract_id)
    body = render_contract_pdf(contract, actor_id=actor_id(), font=font_settings())
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="contract-{contract.id}.pdf"', "Cache-Control": "no-store"})


@bp.post("/contracts/<int:contract_id>/sign", responses={202: SignAccepted},
         summary="签署合同：手写签名 + 自拍（人脸核验通过后合同生效）")
@login_required
@raises("CONTRACT_NOT_FOUND", "CONTRACT_ALREADY_SIGNED", "CONTRACT_SIGNING_IN_PROGRESS", "SIGNATURE_INVALID",
        "CONSENT_REQUIRED", "PROJECT_NOT_FOUND", "PROJECT_REQUIRED", "FORBIDDEN", "NOT_ENROLLED",
        "REENROLL_NEEDS_APPROVAL", "FACE_CHECK_KIND_INVALID", "FRAME_COUNT_INVALID", "IMAGE_TOO_LARGE",
        "IMAGE_UNDECODABLE", "CHALLENGE_REQUIRED", "CHALLENGE_NOT_FOUND", "CHALLENGE_EXPIRED",
        "CHALLENGE_REPLAYED", "CHALLENGE_FRAMES_INVALID", "STORAGE_UNAVAILABLE")
def sign(path: ContractPath, form: SignForm):
    limit = settings().faces.engine.max_bytes
    frames = [f.stream.read(limit + 1) for f in form.photo]
    signature = form.signature.stream.read(SIGNATURE_MAX_BYTES + 1)
    check = contracts.sign_contract(actor_id(), path.contract_id, signature, frames,
                                    challenge_nonce=form.challenge_nonce)
    poll = url_for("faces.get_check", check_id=check.id)
    return answer(SignAccepted(face_check_id=check.id, status="signing", poll_url=poll), 202)


@bp.post("/contracts/<int:contract_id>/terminate", responses={200: ContractOut},
         summary="解除合同（退场；劳资专管员、项目管理员）")
@login_required
@raises("CONTRACT_NOT_FOUND", "PROJECT_NOT_FOUND", "FORBIDDEN", "CONTRACT_TERMINATED",
        "TERMINATION_DATE_INVALID")
def terminate(path: ContractPath, body: TerminateIn):
    contract = contracts.terminate(actor_id(), path.contract_id, reason=body.reason, on=body.date)
    return answer(ContractOut.of(contract, contracts.contract_text(contract, actor_id=actor_id(),
                                                                   purpose="contract_terminate")))
