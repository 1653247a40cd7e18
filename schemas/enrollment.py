"""Enrollment: join preview, consents, real-name profile, review, training, rules, the entry gate."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from models import Training, WorkerProfile
from schemas.common import FromRow, ListQuery, Strict
from services.enrollment.gate import Gate
from services.enrollment.join import JoinPreview
from services.enrollment.profile import platform_missing
from services.enrollment.review import Application
from services.enrollment.training import LevelHours

Level = Literal["company", "project", "team"]
Id = Field(ge=1, le=2**53)


class JoinCodePath(BaseModel):
    join_code: str = Field(min_length=4, max_length=16, description="项目码，如 DEMO01")


class JoinTeam(FromRow):
    id: int
    name: str
    trade: str | None = Field(description="工种")


class JoinPreviewOut(BaseModel):
    project_id: int
    name: str = Field(description="项目名称")
    address: str
    general_contractor: str | None = Field(description="总包单位名称")
    teams: list[JoinTeam]

    @classmethod
    def of(cls, p: JoinPreview) -> JoinPreviewOut:
        return cls(project_id=p.project.id, name=p.project.name, address=p.project.address,
                   general_contractor=p.general_contractor,
                   teams=[JoinTeam(id=t.id, name=t.name, trade=t.trade) for t in p.teams])


class ConsentTextOut(BaseModel):
    kind: Literal["privacy_policy", "biometric", "location", "financial"]
    version: str = Field(description="当前版本；POST /me/consents 须提交此版本")
    title: str
    text: str = Field(description="授权全文（中文）")


class ConsentTextList(BaseModel):
    items: list[ConsentTextOut]


class TradeOut(BaseModel):
    name: str = Field(description="工种名称，提交实名信息时用作 trade（也可提交 code）")
    category: str
    code: str | None = Field(description="全国建筑工人管理服务信息平台的工种代码；null：平台目录中没有对应工种，上报平台前须改选")
    platform_name: str | None = Field(description="平台目录中的工种名称，如 电工 → 建筑电工")


class TradeList(BaseModel):
    items: list[TradeOut]


class DictionaryPath(BaseModel):
    name: Literal["work_type", "work_role", "nation", "culture_level_type", "politics_type", "unit", "direction",
                  "entry_exit_type", "bank_code"] = Field(description="代码表名称")


class DictionaryItem(BaseModel):
    code: str
    name: str


class DictionaryOut(BaseModel):
    name: str
    title: str = Field(description="中文名称，如 民族")
    source: str = Field(description="出处（数据标准 / 开源客户端 ibisTime/xn-gchf / 国家标准）")
    items: list[DictionaryItem]


class EmergencyContactIn(Strict):
    name: str = Field(min_length=1, max_length=30)
    phone: str = Field(min_length=5, max_length=20)


class ProfileIn(Strict):
    name: str = Field(min_length=2, max_length=30, description="姓名（与身份证一致）")
    id_number: str = Field(min_length=15, max_length=20, description="居民身份证号（18位）")
    phone: str | None = Field(default=None, min_length=5, max_length=20,
                              description="手机号；不填则使用已绑定的微信手机号")
    bank_card: str | None = Field(default=None, min_length=12, max_length=23,
                                  description="工资卡号（须先同意 financial 授权）")
    bank_name: str | None = Field(default=None, min_length=2, max_length=64, description="开户银行")
    trade: str = Field(min_length=1, max_length=32, description="工种，取自 GET /api/v1/trades（name 或 code）")
    emergency_contact: EmergencyContactIn | None = None
    # --- fields the national platform needs (issue 29): optional here, listed in platform_missing while empty
    nation: str | None = Field(default=None, min_length=2, max_length=2, title="民族",
                               description="民族代码（GB/T 3304，如 01 汉族），见 GET /api/v1/platform/dictionaries/nation")
    culture_level: str | None = Field(default=None, min_length=2, max_length=2, title="文化程度",
                                      description="文化程度代码，见 GET /api/v1/platform/dictionaries/culture_level_type")
    political_status: str | None = Field(default=None, min_length=2, max_length=2, title="政治面貌",
                                         description="政治面貌代码，见 GET /api/v1/platform/dictionaries/politics_type")
    id_issuer: str | None = Field(default=None, min_length=2, max_length=64, title="发证机关",
                                  description="身份证背面的签发机关，如 北京市公安局朝阳分局")
    id_valid_from: dt.date | None = Field(default=None, title="证件有效期开始日期")
    id_valid_to: str | None = Field(default=None, pattern=r"^(\d{4}-\d{2}-\d{2}|长期)$", title="证件有效期结束日期",
                                    description="YYYY-MM-DD 或 长期")
    # --- end of the platform's fields


class ProfileOut(FromRow):
    user_id: int
    name_masked: str = Field(description="脱敏姓名，如 张*")
    id_number_masked: str = Field(description="脱敏身份证号，如 1101**********1234")
    sex: Literal["male", "female"] = Field(description="由身份证号推出")
    birth_year: int = Field(description="由身份证号推出")
    phone_masked: str | None
    bank_card_last4: str | None
    bank_name: str | None
    trade: str
    emergency_contact_masked: str | None
    # --- fields the national platform needs (issue 29)
    nation: str | None
    culture_level: str | None
    political_status: str | None
    id_issuer: str | None
    id_valid_from: dt.date | None
    id_valid_to: str | None
    platform_missing: list[str] = Field(default_factory=list, description=(
        "上报全国建筑工人管理服务信息平台还缺的资料（不影响本系统的报名、打卡与工资），如 nation、id_issuer"))
    # --- end of the platform's fields
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: WorkerProfile) -> ProfileOut:
        return cls.model_validate(row).model_copy(update={"platform_missing": platform_missing(row)})


class WorkerPath(BaseModel):
    project_id: int = Id
    user_id: int = Id


class EnrollmentListQuery(ListQuery):
    status: Literal["pending", "active", "rejected", "left"] | None = Field(
        default=None, title="报名状态", description="pending 待审核 / active 已通过 / rejected 已驳回 / left 已退场；不传为全部")


class CompletenessOut(BaseModel):
    profile: bool
    profile_missing: list[str]
    consents: bool
    consents_missing: list[str]
    face_enrolled: bool
    team: bool
    flags: list[str] = Field(description="需人工留意但不阻止审核的情况，如 AGE_OVER_LIMIT（超过项目年龄上限）")
    missing: list[str] = Field(description="审核通过前还缺的项目")


class EnrollmentOut(BaseModel):
    id: int = Field(description="报名（成员）id，即加入项目时返回的 membership_id")
    user_id: int
    name_masked: str | None
    team_id: int | None
    team_name: str | None
    status: Literal["pending", "active", "rejected", "left"]
    reject_reason: str | None
    completeness: CompletenessOut
    created_at: dt.datetime

    @classmethod
    def of(cls, a: Application) -> EnrollmentOut:
        c = a.completeness
        return cls(
            id=a.membership.id, user_id=a.user.id, name_masked=a.profile.name_masked if a.profile else None,
            team_id=a.membership.team_id, team_name=a.team.name if a.team else None,
            status=a.membership.status,  # type: ignore[arg-type]
            reject_reason=a.reject_reason, created_at=a.membership.created_at,
            completeness=CompletenessOut(
                profile=not c.profile_missing, profile_missing=c.profile_missing, consents=not c.consents_missing,
                consents_missing=c.consents_missing, face_enrolled=c.face_enrolled, team=c.team_chosen,
                flags=c.flags, missing=c.missing),
        )


class EnrollmentList(BaseModel):
    items: list[EnrollmentOut]
    next_cursor: str | None = Field(description="下一页的 cursor；为 null 表示没有更多")


class EnrollmentPath(BaseModel):
    enrollment_id: int = Id


class RejectIn(Strict):
    reason: str = Field(min_length=2, max_length=256, description="驳回原因（工人可见）")


class TrainingIn(Strict):
    level: Level = Field(description="company 公司级 / project 项目级 / team 班组级")
    hours: float = Field(gt=0, le=24, multiple_of=0.5, description="学时（0.5 的倍数）")
    date: dt.date = Field(description="培训日期")
    note: str | None = Field(default=None, max_length=256)


class TrainingOut(BaseModel):
    id: int
    level: Level
    hours: float
    date: dt.date
    note: str | None
    recorded_by: int
    created_at: dt.datetime

    @classmethod
    def of(cls, t: Training) -> TrainingOut:
        return cls(id=t.id, level=t.level, hours=t.minutes / 60, date=t.trained_on,  # type: ignore[arg-type]
                   note=t.note, recorded_by=t.recorded_by, created_at=t.created_at)


class LevelHoursOut(BaseModel):
    level: Level
    required_hours: int
    done_hours: float
    met: bool


class TrainingList(BaseModel):
    items: list[TrainingOut]
    summary: list[LevelHoursOut]

    @classmethod
    def of(cls, rows: list[Training], summary: list[LevelHours]) -> TrainingList:
        return cls(items=[TrainingOut.of(t) for t in rows], summary=[
            LevelHoursOut(level=h.level, required_hours=h.required_hours,  # type: ignore[arg-type]
                          done_hours=h.done_minutes / 60, met=h.met) for h in summary])


class TrainingHoursIn(Strict):
    company: int = Field(ge=0, le=200)
    project: int = Field(ge=0, le=200)
    team: int = Field(ge=0, le=200)


class RulesIn(Strict):
    training_hours: TrainingHoursIn
    max_age_male: int = Field(ge=18, le=80, description="男性年龄上限，超过者审核时提示（不拒绝）")
    max_age_female: int = Field(ge=18, le=80)


class RulesOut(FromRow):
    training_hours: dict[str, int]
    max_age_male: int
    max_age_female: int


class GateReason(BaseModel):
    code: str = Field(description="NOT_IN_PROJECT / ENROLLMENT_PENDING / ENROLLMENT_REJECTED / LEFT_PROJECT / "
                                  "CONTRACT_NOT_SIGNED / CONTRACT_NOT_ACTIVE / TRAINING_INCOMPLETE / "
                                  "CONSENT_BIOMETRIC_MISSING / CONSENT_LOCATION_MISSING / BLACKLISTED")
    message: str


class GateOut(BaseModel):
    may_clock_in: bool
    reasons: list[GateReason]

    @classmethod
    def of(cls, gate: Gate) -> GateOut:
        return cls(may_clock_in=gate.may_clock_in, reasons=[GateReason(code=r.code, message=r.message)
                                                             for r in gate.reasons])
