"""Labour contracts (劳动合同 / 用工书面协议): a template per project and one contract per enrollment."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.dialects.mysql import MEDIUMTEXT
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow

# a contract's text runs past MariaDB's TEXT (64 KB) once encrypted signatures are beside it
MediumText = Text().with_variant(MEDIUMTEXT(), "mysql")


class ContractStatus(StrEnum):
    UNSIGNED = "unsigned"
    SIGNING = "signing"  # signature uploaded, the contract face check is running
    SIGNED = "signed"
    TERMINATED = "terminated"  # 退场


class WageType(StrEnum):
    DAY = "day"
    PIECE = "piece"
    MONTH = "month"


class ContractTemplate(Base):
    """A project's contract text with {placeholders}; edited by the labour manager."""

    __tablename__ = "contract_templates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(MediumText)
    wage_type: Mapped[str] = mapped_column(String(8), default=WageType.DAY.value)
    # None: the team's default day wage at the time the contract is made
    wage_amount_fen: Mapped[int | None]
    pay_day: Mapped[int] = mapped_column(default=15)  # day of the month wages for the previous month are paid
    term_months: Mapped[int | None]  # None: until the work in the project is done (以完成一定工作任务为期限)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Contract(Base):
    """A generated contract. Once signed its content is sealed: the SHA-256 of the canonical
    content is written to the audit chain, and `flask audit verify` recomputes it."""

    __tablename__ = "contracts"
    __table_args__ = (Index("ix_contracts_user_project", "user_id", "project_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    status: Mapped[str] = mapped_column(String(16), default=ContractStatus.UNSIGNED.value)
    title: Mapped[str] = mapped_column(String(128))
    # the filled-in text names the worker, so it is encrypted like every personal field;
    # the ID number appears in it masked only
    body_enc: Mapped[str] = mapped_column(MediumText)
    employer_name: Mapped[str] = mapped_column(String(128))
    worker_name_masked: Mapped[str] = mapped_column(String(64))
    trade: Mapped[str] = mapped_column(String(32))
    wage_type: Mapped[str] = mapped_column(String(8))
    wage_amount_fen: Mapped[int]
    pay_day: Mapped[int]
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signing_check_id: Mapped[int | None] = mapped_column(ForeignKey("face_checks.id"))
    # the handwritten name, PNG, encrypted in the object store (services/storage)
    signature_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    signature_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None]
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    terminated_at: Mapped[datetime | None]
    termination_date: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(String(256))
    terminated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
