"""The labour manager's side of face checks: results with their scores, re-enrollment approval."""

from __future__ import annotations

from blueprints.api import actor_id, answer, api_blueprint, login_required
from blueprints.contract import raises
from schemas.common import MemberPath
from schemas.faces import FaceCheckReviewOut, ProjectFaceCheckPath, ReenrollmentOut
from services.faces import admission

bp = api_blueprint("face_review", __name__, "faces", "人脸核验与活体检测（录入、考勤、签约）")


@bp.get("/projects/<int:project_id>/faces/checks/<int:check_id>", responses={200: FaceCheckReviewOut},
        summary="查看项目成员的人脸核验详情与分数（劳资专管员、项目管理员）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "FACE_CHECK_NOT_FOUND")
def review_check(path: ProjectFaceCheckPath):
    return answer(FaceCheckReviewOut.of(admission.review_face_check(actor_id(), path.project_id, path.check_id)))


@bp.post("/projects/<int:project_id>/members/<int:user_id>/face-reenrollment", responses={201: ReenrollmentOut},
         summary="批准已录入的工人重新录入人脸（劳资专管员、项目管理员；记录审计日志）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND")
def approve_reenrollment(path: MemberPath):
    approval = admission.approve_reenrollment(actor_id(), path.project_id, path.user_id)
    return answer(ReenrollmentOut(approval_id=approval.id, user_id=approval.user_id, project_id=approval.project_id,
                                  expires_at=approval.expires_at), 201)
