"""Face checks: get a liveness challenge, upload selfies (checked in the background), poll the result."""

from __future__ import annotations

from flask import url_for

from blueprints.api import actor_id, answer, api_blueprint, login_required
from blueprints.contract import raises
from blueprints.limits import rate_limited
from blueprints.mobile import etag, polled
from schemas.faces import (
    ChallengeIn,
    ChallengeOut,
    FaceCheckAccepted,
    FaceCheckForm,
    FaceCheckOut,
    FaceCheckPath,
)
from services.faces import checks
from services.miniprogram import POLL_SECONDS
from services.settings import settings

bp = api_blueprint("faces", __name__, "faces", "人脸核验与活体检测（录入、考勤、签约）")


@bp.post("/faces/challenges", responses={201: ChallengeOut}, summary="获取动作验证指令（一次性，短时有效）")
@rate_limited("face")
@login_required
@raises("CONSENT_REQUIRED", "PROJECT_NOT_FOUND", "FORBIDDEN")
def create_challenge(body: ChallengeIn):
    return answer(ChallengeOut.of(checks.issue_challenge(actor_id(), body.project_id)), 201)


@bp.post("/faces/checks", responses={202: FaceCheckAccepted},
         summary="上传自拍进行人脸核验（后台处理，返回核验编号）")
@rate_limited("face")
@login_required
@raises("CONSENT_REQUIRED", "PROJECT_NOT_FOUND", "PROJECT_REQUIRED", "FORBIDDEN", "REENROLL_NEEDS_APPROVAL",
        "FACE_CHECK_KIND_INVALID", "FRAME_COUNT_INVALID", "IMAGE_UNDECODABLE", "IMAGE_TOO_LARGE", "NOT_ENROLLED",
        "CHALLENGE_REQUIRED", "CHALLENGE_NOT_FOUND", "CHALLENGE_EXPIRED", "CHALLENGE_REPLAYED",
        "CHALLENGE_FRAMES_INVALID", "STORAGE_UNAVAILABLE")
def create_check(form: FaceCheckForm):
    limit = settings().faces.engine.max_bytes
    # read one byte past the limit: enough to refuse an oversized photo without holding more
    frames = [f.stream.read(limit + 1) for f in form.frames]
    check = checks.start_face_check(actor_id(), form.kind, frames, project_id=form.project_id,
                                    challenge_nonce=form.challenge_nonce)
    poll_url = url_for("faces.get_check", check_id=check.id, _external=True)
    return answer(FaceCheckAccepted(check_id=check.id, status="pending", poll_url=poll_url,
                                    retry_after=POLL_SECONDS), 202, {"Retry-After": str(POLL_SECONDS)})


@bp.get("/faces/checks/<int:check_id>", responses={200: FaceCheckOut}, summary="查询核验结果")
@login_required
@raises("FACE_CHECK_NOT_FOUND")
@etag
@polled
def get_check(path: FaceCheckPath):
    check = checks.get_face_check(actor_id(), path.check_id)
    pending = check.status == "pending"
    return answer(FaceCheckOut.of(check), headers={"Retry-After": str(POLL_SECONDS)} if pending else None)
