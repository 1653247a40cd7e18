"""Identity: WeChat 人脸核身, on-site verification and enrollment without a phone, paper consents,
claim codes."""

from __future__ import annotations

from flask import Response, url_for

from blueprints.api import actor_id, answer, api_blueprint, login_required, upload_bytes, writes
from blueprints.auth import user_out
from blueprints.contract import raises
from blueprints.limits import rate_limited
from schemas.auth import LoginOut
from schemas.common import ProjectPath
from schemas.enrollment import ProfileOut, WorkerPath
from schemas.identity import (
    ClaimCodeOut,
    ClaimIn,
    FaceOnSiteAccepted,
    FaceOnSiteForm,
    IdentityVerificationOut,
    IdentityVerificationUploaded,
    OnSiteVerificationForm,
    OnSiteWorkerIn,
    OnSiteWorkerOut,
    PaperConsentForm,
    PaperConsentUploaded,
    VerificationPath,
    VerifyResultIn,
)
from services.enrollment.profile import ProfileInput
from services.identity import claims, onsite, verification
from services.identity.photos import PHOTO_MAX_BYTES
from services.miniprogram import POLL_SECONDS
from services.settings import settings

bp = api_blueprint("identity", __name__, "identity", "身份核验：微信人脸核身、现场核验、无手机登记、认领")


@bp.post("/me/identity-verifications", responses={201: IdentityVerificationOut},
         summary="提交微信人脸核身结果（wx.startFacialRecognitionVerify 的 verifyResult）")
@login_required
@raises("PROFILE_NOT_FOUND", "IDENTITY_METHOD_UNAVAILABLE", "IDENTITY_RESULT_INVALID", "IDENTITY_FACE_FAILED",
        "IDENTITY_MISMATCH", "WECHAT_RATE_LIMITED", "WECHAT_NOT_CONFIGURED", "WECHAT_UNAVAILABLE", "WECHAT_ERROR")
def verify_with_wechat(body: VerifyResultIn):
    return answer(IdentityVerificationOut.of(verification.verify_with_wechat(actor_id(), body.verify_result)), 201)


@bp.post("/projects/<int:project_id>/workers/<int:user_id>/identity-verifications",
         responses={201: IdentityVerificationUploaded}, summary="现场核验工人身份证件（劳资专管员；不能为本人核验）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "IDENTITY_SELF_VERIFY", "MEMBER_NOT_FOUND", "PROFILE_NOT_FOUND",
        "PHOTO_INVALID", "STORAGE_UNAVAILABLE")
def verify_on_site(path: WorkerPath, form: OnSiteVerificationForm):
    photo = upload_bytes(form.document_photo, PHOTO_MAX_BYTES)
    row = verification.verify_on_site(actor_id(), path.project_id, path.user_id, note=form.note,
                                      document_photo=photo)
    return answer(IdentityVerificationUploaded.of(row), 201)


@bp.get("/projects/<int:project_id>/identity-verifications/<int:verification_id>/document-photo",
        responses={200: None}, summary="查看现场核验时保存的证件照片（仅劳资专管员；记录审计日志）")
@login_required
@writes
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "STORAGE_UNAVAILABLE")
def document_photo(path: VerificationPath):
    mimetype, chunks = verification.document_photo(actor_id(), path.project_id, path.verification_id)
    return Response(chunks, mimetype=mimetype, headers={"Cache-Control": "no-store"})


@bp.post("/projects/<int:project_id>/workers", responses={201: OnSiteWorkerOut},
         summary="现场登记没有智能手机的工人（劳资专管员；生成待审核报名和一次性认领码）")
@login_required
@raises("BANK_CARD_IN_USE", "PROJECT_NOT_FOUND", "FORBIDDEN", "TEAM_NOT_IN_PROJECT", "AGE_UNDER_16", "AGE_UNDER_18",
        "ID_NUMBER_IN_USE", "PROFILE_LOCKED")
def enroll_on_site(path: ProjectPath, body: OnSiteWorkerIn):
    contact = body.emergency_contact.model_dump() if body.emergency_contact else None
    data = ProfileInput(**body.model_dump(exclude={"emergency_contact", "team_id"}), emergency_contact=contact)
    done = onsite.enroll_on_site(actor_id(), path.project_id, data, body.team_id)
    return answer(OnSiteWorkerOut(user_id=done.user.id, membership_id=done.membership.id, claim_code=done.claim_code,
                                  claim_expires_at=done.claim_expires_at,
                                  profile=ProfileOut.model_validate(done.profile)), 201)


@bp.post("/projects/<int:project_id>/workers/<int:user_id>/face-enrollments", responses={202: FaceOnSiteAccepted},
         summary="用劳资专管员的手机为工人录入人脸（工人须已同意人脸授权；结果见审核列表 face_enrolled）")
@rate_limited("face")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND", "CONSENT_REQUIRED", "REENROLL_NEEDS_APPROVAL",
        "FRAME_COUNT_INVALID", "IMAGE_UNDECODABLE", "IMAGE_TOO_LARGE", "FACE_CHECK_KIND_INVALID", "NOT_ENROLLED",
        "PROJECT_REQUIRED", "CHALLENGE_REQUIRED", "CHALLENGE_NOT_FOUND", "CHALLENGE_EXPIRED", "CHALLENGE_REPLAYED",
        "CHALLENGE_FRAMES_INVALID", "STORAGE_UNAVAILABLE")
def enroll_face_on_site(path: WorkerPath, form: FaceOnSiteForm):
    limit = settings().faces.engine.max_bytes
    frames = [f.stream.read(limit + 1) for f in form.frames]
    check = onsite.enroll_face_on_site(actor_id(), path.project_id, path.user_id, frames)
    poll = url_for("face_review.review_check", project_id=path.project_id, check_id=check.id, _external=True)
    return answer(FaceOnSiteAccepted(check_id=check.id, status="pending", poll_url=poll, retry_after=POLL_SECONDS), 202,
                  {"Retry-After": str(POLL_SECONDS)})


@bp.post("/projects/<int:project_id>/workers/<int:user_id>/consents", responses={201: PaperConsentUploaded},
         summary="登记工人签字的纸质授权书（劳资专管员；附授权书照片）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND", "PHOTO_INVALID", "CONSENT_KIND_INVALID",
        "CONSENT_VERSION_OUTDATED", "STORAGE_UNAVAILABLE")
def record_paper_consent(path: WorkerPath, form: PaperConsentForm):
    photo = upload_bytes(form.form_photo, PHOTO_MAX_BYTES) or b""
    consent = onsite.record_paper_consent(actor_id(), path.project_id, path.user_id, kind=form.kind,
                                          version=form.version, form_photo=photo)
    return answer(PaperConsentUploaded.of(consent), 201)


@bp.post("/projects/<int:project_id>/workers/<int:user_id>/claim-codes", responses={201: ClaimCodeOut},
         summary="重新生成认领码（劳资专管员；仅限现场登记、尚未认领的工人）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND")
def reissue_claim_code(path: WorkerPath):
    code, expires = onsite.reissue_claim_code(actor_id(), path.project_id, path.user_id)
    return answer(ClaimCodeOut(claim_code=code, claim_expires_at=expires), 201)


@bp.post("/me/claims", responses={200: LoginOut},
         summary="用认领码把现场登记的账号绑定到本人微信（返回新令牌）")
@rate_limited("join")
@login_required
@raises("CLAIM_CODE_INVALID", "CLAIM_ACCOUNT_NOT_EMPTY")
def claim(body: ClaimIn):
    user, issued = claims.claim(actor_id(), body.code)
    return answer(LoginOut(token=issued.token, expires_in=issued.expires_in, user=user_out(user)))
