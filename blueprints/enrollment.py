"""Enrollment: join preview, consents, real-name profile, review, safety training, the entry gate."""

from __future__ import annotations

from blueprints.api import actor_id, answer, api_blueprint, login_required, next_cursor, page_from
from blueprints.contract import raises
from blueprints.mobile import etag
from schemas.common import ProjectPath
from schemas.enrollment import (
    ConsentTextList,
    ConsentTextOut,
    DictionaryItem,
    DictionaryOut,
    DictionaryPath,
    EnrollmentList,
    EnrollmentListQuery,
    EnrollmentOut,
    EnrollmentPath,
    GateOut,
    JoinCodePath,
    JoinPreviewOut,
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
from services.enrollment.trades import TRADE_GROUPS_CODED
from services.platform_push.dictionaries import load

bp = api_blueprint("enrollment", __name__, "enrollment", "实名报名：授权、实名信息、审核、安全教育、上岗条件")


@bp.get("/join/<join_code>", responses={200: JoinPreviewOut}, summary="扫码后预览项目与班组（加入前）")
@login_required
@raises("JOIN_CODE_INVALID")
@etag
def join_preview(path: JoinCodePath):
    return answer(JoinPreviewOut.of(join.preview(path.join_code)))


@bp.get("/consents/current", responses={200: ConsentTextList}, summary="各类授权的当前版本与全文")
@login_required
@etag
def current_consents():
    return answer(ConsentTextList(items=[ConsentTextOut.model_validate(t, from_attributes=True)
                                         for t in consents.current_texts()]))


@bp.get("/trades", responses={200: TradeList}, summary="工种目录")
@login_required
@etag
def trades():
    platform = load("work_type")
    return answer(TradeList(items=[TradeOut(name=n, category=c, code=code, platform_name=platform.name_of(code))
                                   for c, items in TRADE_GROUPS_CODED for n, code in items]))


@bp.get("/platform/dictionaries/<name>", responses={200: DictionaryOut},
        summary="全国建筑工人管理服务信息平台的代码表（民族、文化程度、政治面貌、工种、银行代码等）")
@login_required
@etag
def get_platform_dictionary(path: DictionaryPath):
    d = load(path.name)
    return answer(DictionaryOut(name=d.name, title=d.title, source=d.source,
                                items=[DictionaryItem(code=c, name=n) for c, n in d.items]))


@bp.put("/me/profile", responses={200: ProfileOut}, summary="填写或更正本人实名信息（加密保存）")
@login_required
@raises("AGE_UNDER_16", "AGE_UNDER_18", "CONSENT_REQUIRED", "ID_NUMBER_IN_USE", "PROFILE_LOCKED")
def save_profile(body: ProfileIn):
    contact = body.emergency_contact.model_dump() if body.emergency_contact else None
    data = profile.ProfileInput(**body.model_dump(exclude={"emergency_contact"}), emergency_contact=contact)
    return answer(ProfileOut.of(profile.save_profile(actor_id(), data)))


@bp.get("/me/profile", responses={200: ProfileOut}, summary="本人实名信息（脱敏）")
@login_required
@raises("PROFILE_NOT_FOUND")
@etag
def my_profile():
    return answer(ProfileOut.of(profile.get_profile(actor_id())))


@bp.get("/projects/<int:project_id>/workers/<int:user_id>/profile", responses={200: ProfileOut},
        summary="查看工人实名信息（脱敏；项目管理员、劳资专管员）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND", "PROFILE_NOT_FOUND")
def worker_profile(path: WorkerPath):
    return answer(ProfileOut.of(profile.worker_profile(actor_id(), path.project_id, path.user_id)))


@bp.get("/projects/<int:project_id>/enrollments", responses={200: EnrollmentList},
        summary="实名报名审核列表（劳资专管员、项目管理员；分页）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
@etag
def list_enrollments(path: ProjectPath, query: EnrollmentListQuery):
    paged = review.list_applications(actor_id(), path.project_id, query.status, page_from(query))
    return answer(EnrollmentList(items=[EnrollmentOut.of(a) for a in paged.items], next_cursor=next_cursor(paged)))


@bp.post("/enrollments/<int:enrollment_id>/approve", responses={200: EnrollmentOut},
         summary="审核通过（同时生成劳动合同）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "ENROLLMENT_NOT_FOUND", "ENROLLMENT_NOT_PENDING",
        "ENROLLMENT_INCOMPLETE")
def approve(path: EnrollmentPath):
    return answer(EnrollmentOut.of(review.approve(actor_id(), path.enrollment_id)))


@bp.post("/enrollments/<int:enrollment_id>/reject", responses={200: EnrollmentOut}, summary="驳回报名")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "ENROLLMENT_NOT_FOUND", "ENROLLMENT_NOT_PENDING")
def reject(path: EnrollmentPath, body: RejectIn):
    return answer(EnrollmentOut.of(review.reject(actor_id(), path.enrollment_id, body.reason)))


@bp.post("/projects/<int:project_id>/workers/<int:user_id>/trainings", responses={201: TrainingOut},
         summary="登记三级安全教育（劳资专管员）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND", "TRAINING_LEVEL_INVALID",
        "TRAINING_DATE_IN_FUTURE")
def record_training(path: WorkerPath, body: TrainingIn):
    row = training.record_training(actor_id(), path.project_id, path.user_id, level=body.level,
                                   hours=body.hours, trained_on=body.date, note=body.note)
    return answer(TrainingOut.of(row), 201)


@bp.get("/projects/<int:project_id>/workers/<int:user_id>/trainings", responses={200: TrainingList},
        summary="安全教育记录与各级学时")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN", "MEMBER_NOT_FOUND")
def list_trainings(path: WorkerPath):
    return answer(TrainingList.of(*training.trainings_of(actor_id(), path.project_id, path.user_id)))


@bp.get("/projects/<int:project_id>/enrollment-rules", responses={200: RulesOut},
        summary="项目的安全教育学时要求与年龄上限")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
def get_rules(path: ProjectPath):
    return answer(RulesOut.model_validate(rules.get_rules(actor_id(), path.project_id)))


@bp.put("/projects/<int:project_id>/enrollment-rules", responses={200: RulesOut},
        summary="修改学时要求与年龄上限（劳资专管员、项目管理员）")
@login_required
@raises("PROJECT_NOT_FOUND", "FORBIDDEN")
def update_rules(path: ProjectPath, body: RulesIn):
    updated = rules.update_rules(actor_id(), path.project_id, training_hours=body.training_hours.model_dump(),
                                 max_age_male=body.max_age_male, max_age_female=body.max_age_female)
    return answer(RulesOut.model_validate(updated))


@bp.get("/me/projects/<int:project_id>/gate", responses={200: GateOut}, summary="今天能否在该项目打卡，不能时的原因")
@login_required
@etag
def my_gate(path: ProjectPath):
    return answer(GateOut.of(gate.entry_gate(actor_id(), path.project_id, business_day())))
