"""Companies, projects, participating companies, teams and role memberships."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class Role(StrEnum):
    PROJECT_ADMIN = "project_admin"
    LABOUR_MANAGER = "labour_manager"  # 劳资专管员
    PAYROLL_APPROVER = "payroll_approver"
    SUBCONTRACTOR_CLERK = "subcontractor_clerk"  # 分包劳资员: prepares its own company's payrolls
    TEAM_LEADER = "team_leader"  # 班组长
    WORKER = "worker"
    SUPERVISOR = "supervisor"  # 监理
    OWNER = "owner"  # 建设单位, read-only
    # signs labour contracts for one employer company (memberships.company_id) in the project
    EMPLOYER_SIGNATORY = "employer_signatory"


class ParticipantRole(StrEnum):
    GENERAL_CONTRACTOR = "general_contractor"  # 总包
    SUBCONTRACTOR = "subcontractor"  # 分包
    LABOUR_SUBCONTRACTOR = "labour_subcontractor"  # 劳务分包
    OWNER = "owner"  # 建设单位
    SUPERVISOR = "supervisor"  # 监理


class MembershipStatus(StrEnum):
    PENDING = "pending"  # joined with the code, enrollment not yet reviewed
    ACTIVE = "active"
    REJECTED = "rejected"  # the labour manager refused the enrollment
    LEFT = "left"  # 退场


class Company(Base):
    """A registration is a claim until an operator verifies it (`flask companies verify`):
    several users may claim one USCC, so nobody can block the real company by registering first."""

    __tablename__ = "companies"
    __table_args__ = (UniqueConstraint("uscc", "created_by", name="uq_company_uscc_creator"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    uscc: Mapped[str] = mapped_column(String(18), index=True)  # 统一社会信用代码
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    verified: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None]
    # 甲方's particulars a labour contract names (《劳动合同法》第十七条（一）)
    legal_representative: Mapped[str | None] = mapped_column(String(64))  # 法定代表人或主要负责人
    address: Mapped[str | None] = mapped_column(String(256))  # 住所
    phone: Mapped[str | None] = mapped_column(String(32))  # 联系电话
    # the company's registered e-seal (PNG, encrypted in the object store): its signatory may apply it
    # instead of a handwritten name
    seal_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    seal_sha256: Mapped[str | None] = mapped_column(String(64))


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(256))
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    wage_account_bank: Mapped[str] = mapped_column(String(128))
    wage_account_no_enc: Mapped[str] = mapped_column(Text)
    wage_account_no_masked: Mapped[str] = mapped_column(String(40))
    # GCJ-02, as the mini-program's wx.getLocation({type: 'gcj02'}) reports it.
    geofence: Mapped[dict[str, Any]] = mapped_column(JSON)
    liveness_mode: Mapped[str] = mapped_column(String(16), default="passive")  # passive | challenge
    # wage records are kept 3 years after the project is completed and its wages settled (条例 Art. 15);
    # the retention table (services/retention) runs from them too
    completed_on: Mapped[date | None] = mapped_column(Date)
    wages_settled_on: Mapped[date | None] = mapped_column(Date)
    # 项目编码 on the national platform, from the project's registration; entered by the project admin
    platform_code: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def payroll_records_kept_until(self) -> date | None:
        """Nothing of payroll is ever deleted; this is the earliest day the law would allow it."""
        if self.completed_on is None or self.wages_settled_on is None:
            return None
        end = max(self.completed_on, self.wages_settled_on)
        return end.replace(year=end.year + 3, day=28 if (end.month, end.day) == (2, 29) else end.day)


class ProjectCompany(Base):
    """A participating company (参建单位) of a project and its role there."""

    __tablename__ = "project_companies"
    __table_args__ = (UniqueConstraint("project_id", "company_id", "role", name="uq_project_company_role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_team_project_name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    name: Mapped[str] = mapped_column(String(64))
    trade: Mapped[str | None] = mapped_column(String(32))  # 工种
    leader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    default_day_wage_fen: Mapped[int]
    platform_team_sys_no: Mapped[str | None] = mapped_column(String(32))  # teamSysNo the platform assigned
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("project_id", "user_id", "role", name="uq_membership_role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    # a subcontractor clerk's employer, or the company an employer_signatory signs contracts for
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    status: Mapped[str] = mapped_column(String(16), default=MembershipStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
