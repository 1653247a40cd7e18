"""The labour manager's side of face checks: results with their scores, re-enrollment approval."""

from __future__ import annotations

from blueprints.api import answer, api_blueprint, current_user
from blueprints.faces import check_out
from models.faces import FaceCheck
from schemas.common import MemberPath
from schemas.faces import FaceCheckReviewOut, ProjectFaceCheckPath, ReenrollmentOut
from services.faces import admission

bp = api_blueprint("face_review", __name__, "faces", "人脸核验与活体检测（录入、考勤、签约）")


def review_out(c: FaceCheck) -> FaceCheckReviewOut:
    return FaceCheckReviewOut(
        **check_out(c).model_dump(), user_id=c.user_id, project_id=c.project_id,
        distance=c.distance, threshold=c.threshold, anti_spoof_score=c.anti_spoof_score,
        anti_spoof_real=c.anti_spoof_real, model=f"{c.model_name}/{c.model_version}" if c.model_name else None,
    )


@bp.get("/projects/<int:project_id>/faces/checks/<int:check_id>", responses={200: FaceCheckReviewOut},
        summary="查看项目成员的人脸核验详情与分数（劳资专管员、项目管理员）")
def review_check(path: ProjectFaceCheckPath):
    return answer(review_out(admission.review_face_check(current_user(), path.project_id, path.check_id)))


@bp.post("/projects/<int:project_id>/members/<int:user_id>/face-reenrollment", responses={201: ReenrollmentOut},
         summary="批准已录入的工人重新录入人脸（劳资专管员、项目管理员；记录审计日志）")
def approve_reenrollment(path: MemberPath):
    approval = admission.approve_reenrollment(current_user(), path.project_id, path.user_id)
    return answer(ReenrollmentOut(approval_id=approval.id, user_id=approval.user_id, project_id=approval.project_id,
                                  expires_at=approval.expires_at), 201)
