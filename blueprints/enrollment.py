"""Enrollment: join preview, consents, real-name profile, review, safety training, the entry gate."""

from __future__ import annotations

from blueprints.api import answer, api_blueprint, current_user
from models import Training, WorkerProfile
from schemas.common import ProjectPath
from schemas.enrollment import (
    CompletenessOut,
    ConsentTextList,
    ConsentTextOut,
    EnrollmentList,
    EnrollmentListQuery,
    EnrollmentOut,
    EnrollmentPath,
    GateOut,
    GateReason,
    JoinCodePath,
    JoinPreviewOut,
    JoinTeam,
    LevelHoursOut,
    ProfileIn,
    ProfileOut,
    RejectIn,
    RulesIn,
    RulesOut,
    TradeList,
    TradeOut,
    TrainingIn,
    TrainingList,
    TrainingOut,
    WorkerPath,
)
from services import consents
from services.days import business_day
from services.enrollment import gate, join, profile, review, rules, training
from services.enrollment.trades import TRADE_GROUPS

bp = api_blueprint("enrollment", __name__, "enrollment", "实名报名：授权、实名信息、审核、安全教育、上岗条件")


def profile_out(p: WorkerProfile) -> ProfileOut:
    return ProfileOut.model_validate(p, from_attributes=True)


def enrollment_out(a: review.Application) -> EnrollmentOut:
    c = a.completeness
    return EnrollmentOut(
        id=a.membership.id, user_id=a.user.id, name_masked=a.profile.name_masked if a.profile else None,
        team_id=a.membership.team_id, team_name=a.team.name if a.team else None, status=a.membership.status,
        reject_reason=a.reject_reason, created_at=a.membership.created_at,
        completeness=CompletenessOut(
            profile=not c.profile_missing, profile_missing=c.profile_missing, consents=not c.consents_missing,
            consents_missing=c.consents_missing, face_enrolled=c.face_enrolled, team=c.team_chosen,
            flags=c.flags, missing=c.missing),
    )


def training_out(t: Training) -> TrainingOut:
    return TrainingOut(id=t.id, level=t.level, hours=t.minutes / 60, date=t.trained_on, note=t.note,
                       recorded_by=t.recorded_by, created_at=t.created_at)


def rules_out(r: rules.Rules) -> RulesOut:
    return RulesOut(training_hours=r.training_hours, max_age_male=r.max_age_male, max_age_female=r.max_age_female)


@bp.get("/join/<join_code>", responses={200: JoinPreviewOut}, summary="扫码后预览项目与班组（加入前）")
def join_preview(path: JoinCodePath):
    current_user()
    p = join.preview(path.join_code)
    return answer(JoinPreviewOut(project_id=p.project.id, name=p.project.name, address=p.project.address,
                                 general_contractor=p.general_contractor,
                                 teams=[JoinTeam(id=t.id, name=t.name, trade=t.trade) for t in p.teams]))


@bp.get("/consents/current", responses={200: ConsentTextList}, summary="各类授权的当前版本与全文")
def current_consents():
    current_user()
    return answer(ConsentTextList(items=[ConsentTextOut(kind=t.kind, version=t.version, title=t.title, text=t.text)
                                         for t in consents.current_texts()]))


@bp.get("/trades", responses={200: TradeList}, summary="工种目录")
def trades():
    current_user()
    return answer(TradeList(items=[TradeOut(name=n, category=c) for c, names in TRADE_GROUPS for n in names]))


@bp.put("/me/profile", responses={200: ProfileOut}, summary="填写或更正本人实名信息（加密保存）")
def save_profile(body: ProfileIn):
    data = profile.ProfileInput(**body.model_dump(exclude={"emergency_contact"}),
                                emergency_contact=body.emergency_contact.model_dump() if body.emergency_contact
                                else None)
    return answer(profile_out(profile.save_profile(current_user().id, data)))


@bp.get("/me/profile", responses={200: ProfileOut}, summary="本人实名信息（脱敏）")
def my_profile():
    return answer(profile_out(profile.get_profile(current_user().id)))


@bp.get("/projects/<int:project_id>/workers/<int:user_id>/profile", responses={200: ProfileOut},
        summary="查看工人实名信息（脱敏；项目管理员、劳资专管员）")
def worker_profile(path: WorkerPath):
    return answer(profile_out(profile.worker_profile(current_user().id, path.project_id, path.user_id)))


@bp.get("/projects/<int:project_id>/enrollments", responses={200: EnrollmentList},
        summary="实名报名审核列表（劳资专管员、项目管理员；分页）")
def list_enrollments(path: ProjectPath, query: EnrollmentListQuery):
    page = review.list_applications(current_user().id, path.project_id, query.status, limit=query.limit,
                                    cursor=query.cursor)
    return answer(EnrollmentList(items=[enrollment_out(a) for a in page.items], next_cursor=page.next_cursor))


@bp.post("/enrollments/<int:enrollment_id>/approve", responses={200: EnrollmentOut},
         summary="审核通过（同时生成劳动合同）")
def approve(path: EnrollmentPath):
    return answer(enrollment_out(review.approve(current_user().id, path.enrollment_id)))


@bp.post("/enrollments/<int:enrollment_id>/reject", responses={200: EnrollmentOut}, summary="驳回报名")
def reject(path: EnrollmentPath, body: RejectIn):
    return answer(enrollment_out(review.reject(current_user().id, path.enrollment_id, body.reason)))


@bp.post("/projects/<int:project_id>/workers/<int:user_id>/trainings", responses={201: TrainingOut},
         summary="登记三级安全教育（劳资专管员）")
def record_training(path: WorkerPath, body: TrainingIn):
    row = training.record_training(current_user().id, path.project_id, path.user_id, level=body.level,
                                   hours=body.hours, trained_on=body.date, note=body.note)
    return answer(training_out(row), 201)


@bp.get("/projects/<int:project_id>/workers/<int:user_id>/trainings", responses={200: TrainingList},
        summary="安全教育记录与各级学时")
def list_trainings(path: WorkerPath):
    rows, summary = training.trainings_of(current_user().id, path.project_id, path.user_id)
    return answer(TrainingList(items=[training_out(t) for t in rows], summary=[
        LevelHoursOut(level=h.level, required_hours=h.required_hours, done_hours=h.done_minutes / 60, met=h.met)
        for h in summary]))


@bp.get("/projects/<int:project_id>/enrollment-rules", responses={200: RulesOut},
        summary="项目的安全教育学时要求与年龄上限")
def get_rules(path: ProjectPath):
    return answer(rules_out(rules.get_rules(current_user().id, path.project_id)))


@bp.put("/projects/<int:project_id>/enrollment-rules", responses={200: RulesOut},
        summary="修改学时要求与年龄上限（劳资专管员、项目管理员）")
def update_rules(path: ProjectPath, body: RulesIn):
    return answer(rules_out(rules.update_rules(current_user().id, path.project_id,
                                               training_hours=body.training_hours.model_dump(),
                                               max_age_male=body.max_age_male,
                                               max_age_female=body.max_age_female)))


@bp.get("/me/projects/<int:project_id>/gate", responses={200: GateOut}, summary="今天能否在该项目打卡，不能时的原因")
def my_gate(path: ProjectPath):
    result = gate.entry_gate(current_user().id, path.project_id, business_day())
    return answer(GateOut(may_clock_in=result.may_clock_in,
                          reasons=[GateReason(code=r.code, message=r.message) for r in result.reasons]))
