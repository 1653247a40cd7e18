"""Invitations to a project role: request and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.common import Strict

RoleName = Literal["project_admin", "labour_manager", "payroll_approver", "subcontractor_clerk", "team_leader",
                   "worker", "supervisor", "owner"]


class InvitationIn(Strict):
    role: RoleName = Field(description="受邀后在本项目中的角色")
    team_id: int | None = Field(default=None, ge=1, le=2**53, description="班组长和工人必填：所属班组")
    company_id: int | None = Field(default=None, ge=1, le=2**53,
                                   description="分包劳资员（subcontractor_clerk）必填：其所在的参建企业（分包单位）")


class InvitationOut(BaseModel):
    invitation_id: int
    project_id: int
    role: str
    team_id: int | None
    company_id: int | None = None
    code: str = Field(description="邀请码：只显示这一次，一次有效，请通过微信发给受邀人")
    expires_at: datetime


class InvitationCodePath(BaseModel):
    code: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class InvitationAccepted(BaseModel):
    membership_id: int
    project_id: int
    project_name: str
    role: str
    team_id: int | None
    status: str


class MemberTeamIn(Strict):
    team_id: int = Field(ge=1, le=2**53, description="调入的班组（本项目）")
