from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from models import Company, Membership, Project, ProjectCompany, User
from schemas.common import FromRow, Listed, Strict, UploadAnswer
from services.geo import MAX_POLYGON_POINTS, MAX_RADIUS_M, MIN_RADIUS_M

Name = Annotated[str, Field(min_length=1, max_length=64)]
Fen = Annotated[int, Field(ge=0, le=10_000_000, description="金额，单位：分（整数）")]


class Point(Strict):
    lat: float = Field(ge=-90, le=90, description="纬度（GCJ-02）")
    lng: float = Field(ge=-180, le=180, description="经度（GCJ-02）")


class CircleFence(Strict):
    type: Literal["circle"]
    center: Point
    radius_m: int = Field(ge=MIN_RADIUS_M, le=MAX_RADIUS_M, description="半径（米）")


class PolygonFence(Strict):
    type: Literal["polygon"]
    points: list[Point] = Field(min_length=3, max_length=MAX_POLYGON_POINTS)


Geofence = Annotated[CircleFence | PolygonFence, Field(discriminator="type")]


class CompanyIn(Strict):
    name: str = Field(min_length=2, max_length=128, title="企业名称")
    uscc: str = Field(min_length=18, max_length=18, title="统一社会信用代码", description="统一社会信用代码（18位）")


class CompanyParticularsIn(Strict):
    """甲方 as a labour contract names it (《劳动合同法》第十七条（一）)."""

    legal_representative: str = Field(min_length=2, max_length=64, title="法定代表人或主要负责人")
    address: str = Field(min_length=4, max_length=256, title="住所", description="营业执照上的住所")
    phone: str = Field(min_length=5, max_length=32, pattern=r"^[0-9+\-() ]+$", title="联系电话")


class CompanyOut(FromRow):
    id: int
    name: str
    uscc: str
    verified: bool = Field(description="是否已由运营人员核验；未核验的企业登记仅为申报，请勿据此付款")
    legal_representative: str | None = Field(default=None, description="法定代表人或主要负责人")
    address: str | None = Field(default=None, description="住所")
    phone: str | None = Field(default=None, description="联系电话")
    has_seal: bool = Field(default=False, description="是否已登记电子印章")
    particulars_missing: list[str] = Field(default_factory=list,
                                           description="生成劳动合同前还缺的甲方信息；为空才能生成合同")
    created_at: datetime

    @classmethod
    def of(cls, company: Company) -> CompanyOut:
        out = cls.model_validate(company)
        out.has_seal = company.seal_object_id is not None
        out.particulars_missing = [k for k in ("legal_representative", "address", "phone")
                                   if not (getattr(company, k) or "").strip()]
        return out


class ProjectIn(Strict):
    name: str = Field(min_length=2, max_length=128, title="项目名称")
    address: str = Field(min_length=2, max_length=256, title="项目地址")
    general_contractor_id: int = Field(ge=1, le=2**53, title="总包单位", description="总包单位的企业 id")
    wage_account_bank: str = Field(min_length=2, max_length=128, title="开户行", description="工资专用账户开户行")
    wage_account_no: str = Field(min_length=8, max_length=40, title="工资专用账户账号", description="工资专用账户账号")
    geofence: Geofence
    liveness_mode: Literal["passive", "challenge"] = "passive"


class ProjectPatch(Strict):
    name: str | None = Field(default=None, min_length=2, max_length=128)
    completed_on: date | None = Field(default=None, description="竣工日期（工资记录自竣工且工资结清后保存 3 年）")
    wages_settled_on: date | None = Field(default=None, description="工资结清日期")
    address: str | None = Field(default=None, min_length=2, max_length=256)
    wage_account_bank: str | None = Field(default=None, min_length=2, max_length=128)
    wage_account_no: str | None = Field(default=None, min_length=8, max_length=40)
    geofence: Geofence | None = None
    liveness_mode: Literal["passive", "challenge"] | None = None


class ProjectOut(FromRow):
    id: int
    name: str
    address: str
    join_code: str
    wage_account_bank: str
    wage_account_no_masked: str
    geofence: CircleFence | PolygonFence
    liveness_mode: str
    completed_on: date | None = None
    wages_settled_on: date | None = None
    payroll_records_kept_until: date | None = Field(
        default=None, description="工资记录至少保存到此日（竣工且工资结清后 3 年；系统从不删除工资记录）")
    created_at: datetime


class ParticipantIn(Strict):
    company_id: int = Field(ge=1, le=2**53)
    role: Literal["general_contractor", "subcontractor", "labour_subcontractor", "owner", "supervisor"]


class ParticipantOut(BaseModel):
    id: int
    company_id: int
    company_name: str
    uscc: str
    company_verified: bool
    role: str

    @classmethod
    def of(cls, link: ProjectCompany, company: Company) -> ParticipantOut:
        return cls(id=link.id, company_id=company.id, company_name=company.name, uscc=company.uscc,
                   company_verified=company.verified, role=link.role)


class ParticipantList(Listed):
    items: list[ParticipantOut]


class TeamIn(Strict):
    name: Name = Field(title="班组名称")
    default_day_wage_fen: Fen = Field(title="日工资（分）")
    company_id: int | None = Field(default=None, ge=1, le=2**53)
    trade: str | None = Field(default=None, min_length=1, max_length=32,
                              description="工种：GET /api/v1/trades 的 name 或平台工种代码 code（按名称保存）")
    leader_user_id: int | None = Field(default=None, ge=1, le=2**53)


class TeamPatch(Strict):
    name: Name | None = None
    default_day_wage_fen: Fen | None = None
    company_id: int | None = Field(default=None, ge=1, le=2**53)
    trade: str | None = Field(default=None, min_length=1, max_length=32)
    leader_user_id: int | None = Field(default=None, ge=1, le=2**53)


class TeamOut(FromRow):
    id: int
    project_id: int
    name: str
    trade: str | None
    company_id: int | None
    leader_user_id: int | None
    default_day_wage_fen: int


class TeamList(Listed):
    items: list[TeamOut]


class MemberIn(Strict):
    user_id: int = Field(ge=1, le=2**53)
    role: Literal["project_admin", "labour_manager", "payroll_approver", "team_leader", "worker",
                  "supervisor", "owner"] = Field(description="分包劳资员（subcontractor_clerk）须通过邀请加入（需指定企业）")
    team_id: int | None = Field(default=None, ge=1, le=2**53)


class MemberOut(BaseModel):
    membership_id: int
    user_id: int
    display_name: str | None
    phone_masked: str | None
    role: str
    team_id: int | None
    status: str

    @classmethod
    def of(cls, m: Membership, u: User) -> MemberOut:
        return cls(membership_id=m.id, user_id=u.id, display_name=u.display_name, phone_masked=u.phone_masked,
                   role=m.role, team_id=m.team_id, status=m.status)


class MemberList(Listed):
    items: list[MemberOut]


class JoinIn(Strict):
    join_code: str = Field(min_length=4, max_length=16, title="项目码", description="项目码，如 DEMO01")
    team_id: int | None = Field(default=None, ge=1, le=2**53)


class JoinOut(BaseModel):
    membership_id: int
    project_id: int
    project_name: str
    team_id: int | None
    status: str

    @classmethod
    def of(cls, m: Membership, project: Project) -> JoinOut:
        return cls(membership_id=m.id, project_id=project.id, project_name=project.name, team_id=m.team_id,
                   status=m.status)


class CompanySealUploaded(CompanyOut, UploadAnswer):
    """The company after its e-seal upload, plus what wx.uploadFile cannot read."""
