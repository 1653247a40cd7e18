"""Identity: how a worker's real name was verified, one-time claim codes for workers enrolled
without a phone, and the deployment's personal-information impact assessment for face processing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class IdentityVerification(Base):
    """One attempt to verify a worker's real name (真实身份信息认证), kept as a record.

    ``id_number_bidx`` is the profile's blind index at the time: a later change of the ID number
    leaves the verification behind (it no longer counts)."""

    __tablename__ = "identity_verifications"
    __table_args__ = (Index("ix_identity_verifications_user", "user_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))  # on site: where it was done
    method: Mapped[str] = mapped_column(String(16))  # wechat_face | on_site
    status: Mapped[str] = mapped_column(String(16))  # verified | failed
    reason: Mapped[str | None] = mapped_column(String(40))  # why a failed one failed
    id_number_bidx: Mapped[str] = mapped_column(String(64))
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the labour manager on site
    note: Mapped[str | None] = mapped_column(String(256))
    wechat_identify_ret: Mapped[int | None]
    # the ID card's photo, encrypted in the object store (services/storage)
    document_photo_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    document_photo_purged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClaimCode(Base):
    """A one-time code with which a worker enrolled on site binds their own WeChat later."""

    __tablename__ = "claim_codes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_bidx: Mapped[str] = mapped_column(String(64), unique=True)  # the code itself is never stored
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_openid_bidx: Mapped[str | None] = mapped_column(String(64))


class ImpactAssessment(Base):
    """The deployment's personal-information protection impact assessment for face processing
    (个人信息保护法 第五十五条、第五十六条). Kept, never overwritten: the newest row is current."""

    __tablename__ = "impact_assessments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject: Mapped[str] = mapped_column(String(32), default="face_processing")
    purpose: Mapped[str] = mapped_column(Text)
    necessity: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by: Mapped[str] = mapped_column(String(128))  # the person or body who made it
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
