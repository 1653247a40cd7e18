"""Enrollment: a worker's real-name profile, the labour manager's decisions, safety training,
and each project's enrollment rules."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class WorkerProfile(Base):
    """One per WeChat account. Every personal field is encrypted (services/pii.py); *_masked is
    what answers show; the ID number's blind index finds the same person on another account."""

    __tablename__ = "worker_profiles"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    name_enc: Mapped[str] = mapped_column(Text)
    name_masked: Mapped[str] = mapped_column(String(64))
    # 证件类型, the national platform's code (services/id_types.py); 01 居民身份证
    id_type: Mapped[str] = mapped_column(String(4), default="01", server_default="01")
    id_number_enc: Mapped[str] = mapped_column(Text)
    id_number_masked: Mapped[str] = mapped_column(String(32))
    id_number_bidx: Mapped[str] = mapped_column(String(64), unique=True)
    sex: Mapped[str] = mapped_column(String(8))  # male | female: from the number where it carries it
    birth_date_enc: Mapped[str] = mapped_column(Text)  # from the number where it carries it, else typed
    birth_year: Mapped[int]  # kept in clear for age rules; the full date stays encrypted
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    bank_card_enc: Mapped[str | None] = mapped_column(Text)
    bank_card_last4: Mapped[str | None] = mapped_column(String(4))
    # one card, one payee: the blind index finds a card already on another worker's profile
    bank_card_bidx: Mapped[str | None] = mapped_column(String(64), unique=True)
    bank_name: Mapped[str | None] = mapped_column(String(64))
    trade: Mapped[str] = mapped_column(String(32))  # 工种, from services/enrollment/trades.py
    emergency_contact_enc: Mapped[str | None] = mapped_column(Text)  # JSON {name, phone, address, relationship}
    address_enc: Mapped[str | None] = mapped_column(Text)  # 户籍地址/现住址, named in the contract
    address_masked: Mapped[str | None] = mapped_column(String(64))
    # drawing a basic pension: no labour relation can be formed (用工书面协议 instead)
    draws_pension: Mapped[bool] = mapped_column(default=False)
    emergency_contact_masked: Mapped[str | None] = mapped_column(String(64))
    # --- the national platform's fields (issue 29): optional for SiteRoll's own flows, flagged in
    # ProfileOut.platform_missing while empty; codes from services/platform_push/dictionaries
    nation: Mapped[str | None] = mapped_column(String(2))  # 民族 code (GB/T 3304), e.g. 01 汉族
    culture_level: Mapped[str | None] = mapped_column(String(2))  # 文化程度 code
    political_status: Mapped[str | None] = mapped_column(String(2))  # 政治面貌 code
    id_issuer: Mapped[str | None] = mapped_column(String(64))  # 发证机关, as printed on the ID card
    id_valid_from: Mapped[date | None] = mapped_column(Date)  # 证件有效期开始日期
    id_valid_to: Mapped[str | None] = mapped_column(String(10))  # 证件有效期结束日期: YYYY-MM-DD or 长期
    # --- end of the platform's fields
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EnrollmentDecision(Base):
    """The labour manager's approve / reject of one membership; kept, never overwritten."""

    __tablename__ = "enrollment_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # approved | rejected
    reason: Mapped[str | None] = mapped_column(String(256))
    flags: Mapped[str | None] = mapped_column(String(256))  # comma-separated flags seen at approval
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class Training(Base):
    """One safety-training session (三级安全教育) recorded by the labour manager."""

    __tablename__ = "trainings"
    __table_args__ = (Index("ix_trainings_project_user", "project_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    level: Mapped[str] = mapped_column(String(16))  # company | project | team
    minutes: Mapped[int]
    trained_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(256))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BankCardRefusal(Base):
    """A card refused because another worker's profile holds it (BANK_CARD_IN_USE): kept although the
    request was rolled back, so the labour manager sees both workers flagged (ghost workers share cards)."""

    __tablename__ = "bank_card_refusals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # who typed the card
    holder_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # whose profile holds it
    bank_card_last4: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EnrollmentRules(Base):
    """A project's enrollment rules; a project without a row uses the defaults in the service."""

    __tablename__ = "enrollment_rules"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True, autoincrement=False)
    company_training_hours: Mapped[int] = mapped_column(default=15)
    project_training_hours: Mapped[int] = mapped_column(default=15)
    team_training_hours: Mapped[int] = mapped_column(default=20)
    max_age_male: Mapped[int] = mapped_column(default=60)
    max_age_female: Mapped[int] = mapped_column(default=50)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
