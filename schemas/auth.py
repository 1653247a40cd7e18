from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from schemas.common import FromRow, Strict


class LoginIn(Strict):
    code: str = Field(min_length=1, max_length=128, title="登录凭证", description="wx.login() 返回的临时登录凭证 code")


class PhoneIn(Strict):
    code: str = Field(min_length=1, max_length=128, title="手机号凭证", description="getPhoneNumber 按钮回调中的 code")


class ConsentIn(Strict):
    kind: Literal["privacy_policy", "biometric", "location", "financial"] = Field(title="授权类型")
    version: str = Field(min_length=1, max_length=32, title="协议版本", description="用户阅读并同意的协议版本号")


class ConsentKindPath(BaseModel):
    kind: Literal["privacy_policy", "biometric", "location", "financial"]


class MembershipOut(BaseModel):
    id: int
    project_id: int
    project_name: str
    role: str = Field(description="project_admin / labour_manager / payroll_approver / subcontractor_clerk（分包劳资员）/ "
                                  "team_leader / worker / supervisor / owner")
    team_id: int | None
    team_name: str | None
    status: str = Field(description="pending（待审核）/ active / left（已退场）")

    @classmethod
    def of(cls, row: Any) -> MembershipOut:
        """From a services.auth.MembershipRow."""
        return cls(id=row.id, project_id=row.project_id, project_name=row.project_name, role=row.role,
                   team_id=row.team_id, team_name=row.team_name, status=row.status)


class ConsentOut(FromRow):
    kind: str
    version: str
    granted_at: datetime


class UserOut(BaseModel):
    id: int
    display_name: str | None
    phone_masked: str | None = Field(description="脱敏手机号，如 138****8000")
    memberships: list[MembershipOut]
    consents: list[ConsentOut]

    @classmethod
    def of(cls, user: Any, memberships: list[Any], consents: list[Any]) -> UserOut:
        """``user``: a User or services.auth.Caller; services.auth.profile's memberships and consents."""
        return cls(id=user.id, display_name=user.display_name, phone_masked=user.phone_masked,
                   memberships=[MembershipOut.of(row) for row in memberships],
                   consents=[ConsentOut(kind=c.kind, version=c.version, granted_at=c.granted_at) for c in consents])


class LoginOut(BaseModel):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="令牌有效期（秒）")
    user: UserOut


class PhoneRevealOut(BaseModel):
    phone: str | None
