"""Oversight: role dashboards and their links, risk warnings, supervisor findings, exports, the push outbox."""

from __future__ import annotations

from blueprints.api import (
    XLSX,
    actor_id,
    answer,
    api_blueprint,
    download,
    login_required,
    next_cursor,
    page_from,
    writes,
)
from blueprints.contract import raises
from blueprints.mobile import etag
from models.oversight import Finding, PushEvent, RiskWarning
from schemas.common import CompanyPath, ListQuery, ProjectPath
from schemas.oversight import (
    AnswerIn,
    Dashboard,
    DashboardLinkIn,
    DashboardLinkOut,
    FindingIn,
    FindingList,
    FindingOut,
    FindingPath,
    NoteIn,
    PlatformCodeIn,
    PlatformCodeOut,
    PushEventList,
    PushEventOut,
    PushEventPath,
    PushQuery,
    RangeQuery,
    ThresholdsIn,
    ThresholdsOut,
    WarningList,
    WarningOut,
    WarningPath,
    WarningQuery,
)
from services.oversight import dashboards, exports, findings, links, warnings
from services.platform_push import admin as push

bp = api_blueprint("oversight", __name__, "oversight",
                   "监督：各方看板、风险预警、监理检查与整改、花名册/考勤/工资表导出、政府平台推送")



def warning_out(w: RiskWarning) -> WarningOut:
    return WarningOut(id=w.id, project_id=w.project_id, rule=w.rule, **warnings.explain(w), subject=w.subject_key,
                      evidence=w.evidence, since=w.since, status=w.status, note=w.note,
                      acknowledged_at=w.acknowledged_at, closed_at=w.closed_at, last_seen_at=w.last_seen_at)


def finding_out(f: Finding) -> FindingOut:
    return FindingOut.model_validate(f, from_attributes=True)


def push_out(e: PushEvent) -> PushEventOut:
    return PushEventOut.model_validate(e, from_attributes=True)


@bp.get("/projects/<int:project_id>/dashboard", responses={200: Dashboard},
        summary="项目看板（今日在场、实名与合同/培训缺失、确认积压、工资状态、异议、30天出勤趋势、监理检查表）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@etag
def get_project_dashboard(path: ProjectPath):
    return dashboards.project_dashboard(actor_id(), path.project_id), 200


@bp.get("/companies/<int:company_id>/dashboard", responses={200: Dashboard},
        summary="企业看板（建设单位/总包：本人有角色的项目的在场人数、工资按时发放、专户存入与工资、预警）")
@login_required
@raises("COMPANY_NOT_FOUND")
@etag
def get_company_dashboard(path: CompanyPath):
    return dashboards.company_dashboard(actor_id(), path.company_id), 200


@bp.get("/regulator/dashboard", responses={200: Dashboard}, summary="监管看板（只读，跨项目汇总，不含个人信息）")
@login_required
@raises("NOT_A_REGULATOR")
@etag
def get_regulator_dashboard():
    return dashboards.regulator_dashboard(actor_id()), 200


@bp.post("/dashboard-links", responses={201: DashboardLinkOut},
         summary="签发看板页面的短时链接（几分钟内有效，在 web-view 中打开）")
@login_required
@raises("DASHBOARD_PATH_INVALID")
def create_dashboard_link(body: DashboardLinkIn):
    link = links.issue_link(actor_id(), body.path)
    return answer(DashboardLinkOut(url=link.url, expires_at=link.expires_at), 201)


@bp.get("/projects/<int:project_id>/warnings", responses={200: WarningList},
        summary="项目风险预警（规则、证据、开始日期、状态）与风险分")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@etag
def list_warnings(path: ProjectPath, query: WarningQuery):
    paged = warnings.project_warnings(actor_id(), path.project_id, query.status, page_from(query))
    return answer(WarningList(items=[warning_out(w) for w in paged.items], next_cursor=next_cursor(paged),
                              score=warnings.scores([path.project_id])[path.project_id]))


@bp.post("/warnings/<int:warning_id>/acknowledge", responses={200: WarningOut}, summary="确认预警（写明处理说明）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND", "WARNING_NOT_FOUND", "WARNING_NOT_OPEN")
def acknowledge_warning(path: WarningPath, body: NoteIn):
    return answer(warning_out(warnings.acknowledge_warning(actor_id(), path.warning_id, body.note)))


@bp.post("/warnings/<int:warning_id>/close", responses={200: WarningOut}, summary="关闭预警（写明处理结果）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND", "WARNING_CLOSED", "WARNING_NOT_FOUND")
def close_warning(path: WarningPath, body: NoteIn):
    return answer(warning_out(warnings.close_warning(actor_id(), path.warning_id, body.note)))


@bp.get("/projects/<int:project_id>/warning-thresholds", responses={200: ThresholdsOut}, summary="项目预警阈值")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@etag
def get_thresholds(path: ProjectPath):
    return answer(ThresholdsOut(values=warnings.get_thresholds(actor_id(), path.project_id)))


@bp.put("/projects/<int:project_id>/warning-thresholds", responses={200: ThresholdsOut},
        summary="修改项目预警阈值（项目管理员、劳资专管员）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND", "THRESHOLD_UNKNOWN")
def update_thresholds(path: ProjectPath, body: ThresholdsIn):
    return answer(ThresholdsOut(values=warnings.set_thresholds(actor_id(), path.project_id, body.values)))


@bp.get("/projects/<int:project_id>/findings", responses={200: FindingList}, summary="监理检查记录与整改回复")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@etag
def list_findings(path: ProjectPath, query: ListQuery):
    paged = findings.project_findings(actor_id(), path.project_id, page_from(query))
    return answer(FindingList(items=[finding_out(f) for f in paged.items], next_cursor=next_cursor(paged)))


@bp.post("/projects/<int:project_id>/findings", responses={201: FindingOut},
         summary="监理记录检查发现并下发整改通知")
@login_required
@raises("FINDING_ITEM_INVALID", "FORBIDDEN", "PROJECT_NOT_FOUND")
def create_finding(path: ProjectPath, body: FindingIn):
    row = findings.record_finding(actor_id(), path.project_id, month=body.month, item=body.item,
                                  description=body.description, rectify_by=body.rectify_by)
    return answer(finding_out(row), 201)


@bp.post("/findings/<int:finding_id>/answer", responses={200: FindingOut}, summary="总包回复整改通知")
@login_required
@raises("FINDING_ANSWERED", "FINDING_NOT_FOUND", "FORBIDDEN", "PROJECT_NOT_FOUND")
def answer_finding(path: FindingPath, body: AnswerIn):
    return answer(finding_out(findings.answer_finding(actor_id(), path.finding_id, body.answer)))


@bp.get("/projects/<int:project_id>/push-events", responses={200: PushEventList},
        summary="政府平台推送记录（status=incomplete：资料不全及补录位置；rejected：平台退回原因；dead：多次发送失败）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@etag
def list_push_events(path: ProjectPath, query: PushQuery):
    paged = push.project_events(actor_id(), path.project_id, query.status, page_from(query))
    return answer(PushEventList(items=[push_out(e) for e in paged.items], next_cursor=next_cursor(paged)))


@bp.post("/push-events/<int:event_id>/resend", responses={200: PushEventOut},
         summary="补正后重新推送被平台退回（或补全中、已放弃）的记录")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND", "PUSH_EVENT_NOT_FOUND", "PUSH_EVENT_NOT_RESENDABLE")
def resend_push_event(path: PushEventPath):
    return answer(push_out(push.resend(actor_id(), path.event_id)))


@bp.put("/projects/<int:project_id>/platform", responses={200: PlatformCodeOut},
        summary="填写平台项目编码（项目在全国建筑工人管理服务信息平台登记后取得；未填写时不推送）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
def set_platform_code(path: ProjectPath, body: PlatformCodeIn):
    project = push.set_platform_code(actor_id(), path.project_id, body.platform_code)
    return answer(PlatformCodeOut(project_id=project.id, platform_code=project.platform_code))


@bp.get("/projects/<int:project_id>/exports/roster.xlsx", responses={200: None},
        summary="花名册（Excel；身份证号脱敏；日期范围内在册的工人）")
@login_required
@raises("DATE_RANGE_INVALID", "FORBIDDEN", "PROJECT_NOT_FOUND")
@writes
def export_roster(path: ProjectPath, query: RangeQuery):
    data = exports.roster(actor_id(), path.project_id, query.date_from, query.date_to)
    return download(data, XLSX, f"roster-{path.project_id}-{query.date_from}-{query.date_to}.xlsx")


@bp.get("/projects/<int:project_id>/exports/attendance.xlsx", responses={200: None},
        summary="考勤表（Excel，任意日期范围，按角色可见范围）")
@login_required
@raises("DATE_RANGE_INVALID", "FORBIDDEN", "PROJECT_NOT_FOUND")
@writes
def export_attendance(path: ProjectPath, query: RangeQuery):
    data = exports.attendance(actor_id(), path.project_id, query.date_from, query.date_to)
    return download(data, XLSX, f"attendance-{path.project_id}-{query.date_from}-{query.date_to}.xlsx")


@bp.get("/projects/<int:project_id>/exports/wages.xlsx", responses={200: None},
        summary="工资表（Excel，任意日期范围内的工资单）")
@login_required
@raises("DATE_RANGE_INVALID", "FORBIDDEN", "PROJECT_NOT_FOUND")
@writes
def export_wages(path: ProjectPath, query: RangeQuery):
    data = exports.wages(actor_id(), path.project_id, query.date_from, query.date_to)
    return download(data, XLSX, f"wages-{path.project_id}-{query.date_from}-{query.date_to}.xlsx")
