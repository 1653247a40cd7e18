"""Labour contracts (劳动合同 / 用工书面协议): a template per project and one contract per enrollment."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.dialects.mysql import MEDIUMTEXT
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow

# a contract's text (encrypted) can run past MariaDB's TEXT (64 KB)
MediumText = Text().with_variant(MEDIUMTEXT(), "mysql")


class ContractStatus(StrEnum):
    """unsigned → worker_signed / employer_signed → signed: in force only when both parties signed
    (《劳动合同法》第十六条). `signing`: the worker's signature is in, their face check running."""

    UNSIGNED = "unsigned"
    SIGNING = "signing"
    WORKER_SIGNED = "worker_signed"
    EMPLOYER_SIGNED = "employer_signed"
    AWAITING_WITNESS = "awaiting_witness"  # signed by hand without a face check: the labour manager confirms
    SIGNED = "signed"
    TERMINATED = "terminated"  # 退场


class ContractKind(StrEnum):
    LABOUR_CONTRACT = "labour_contract"  # 劳动合同
    SERVICE_AGREEMENT = "service_agreement"  # 用工书面协议（劳务协议）: no labour relation is lawful


class ContractKindReason(StrEnum):
    RETIREMENT_AGE = "retirement_age"  # past the statutory retirement age on the start day
    PENSION = "pension"  # already draws a basic pension


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
    term_type: Mapped[str] = mapped_column(String(8), default="task")  # task | fixed | open (无固定期限)
    hours_system: Mapped[str] = mapped_column(String(16), default="standard")  # standard | comprehensive | flexible
    hours_approval_no: Mapped[str | None] = mapped_column(String(64))  # 综合计算 / 不定时: the bureau's approval
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
    # the worker's side without face processing: the labour manager saw them sign (never their own)
    witnessed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    witnessed_at: Mapped[datetime | None]
    witness_note: Mapped[str | None] = mapped_column(String(256))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    terminated_at: Mapped[datetime | None]
    termination_date: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(String(256))
    terminated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20), default=ContractKind.LABOUR_CONTRACT.value)
    kind_reason: Mapped[str | None] = mapped_column(String(20))  # why a service agreement
    employer_company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    worker_signed_at: Mapped[datetime | None]  # signed_at: when the second signature made it binding
    employer_signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the signatory's handwritten name or the company's e-seal, PNG, encrypted in the object store
    employer_signature_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    employer_signature_sha256: Mapped[str | None] = mapped_column(String(64))
    employer_signed_at: Mapped[datetime | None]
    employer_sign_method: Mapped[str | None] = mapped_column(String(16))  # handwritten | seal


class ContractAmendment(Base):
    """变更协议: a change of wage or term after signing. Both parties sign it as they signed the
    contract; the signed original is never touched (its seal stays as it was)."""

    __tablename__ = "contract_amendments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    employer_company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    status: Mapped[str] = mapped_column(String(16), default=ContractStatus.UNSIGNED.value)
    title: Mapped[str] = mapped_column(String(128))
    body_enc: Mapped[str] = mapped_column(MediumText)
    wage_type: Mapped[str] = mapped_column(String(8))
    wage_amount_fen: Mapped[int]
    pay_day: Mapped[int]
    term_end: Mapped[date | None] = mapped_column(Date)
    effective_from: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signing_check_id: Mapped[int | None] = mapped_column(ForeignKey("face_checks.id"))
    # both parties' signature images, PNG, encrypted in the object store (services/storage)
    signature_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    signature_sha256: Mapped[str | None] = mapped_column(String(64))
    # without face processing, as for the contract: the labour manager saw the worker sign
    witnessed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    witnessed_at: Mapped[datetime | None]
    witness_note: Mapped[str | None] = mapped_column(String(256))
    worker_signed_at: Mapped[datetime | None]
    employer_signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    employer_signature_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    employer_signature_sha256: Mapped[str | None] = mapped_column(String(64))
    employer_signed_at: Mapped[datetime | None]
    employer_sign_method: Mapped[str | None] = mapped_column(String(16))
    signed_at: Mapped[datetime | None]
    content_sha256: Mapped[str | None] = mapped_column(String(64))
