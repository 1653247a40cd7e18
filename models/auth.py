"""WeChat users and their recorded consents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(64))
    # Encrypted at rest (services/pii.py); *_masked is what responses show.
    session_key_enc: Mapped[str | None] = mapped_column(Text)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    phone_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    # Bumped to revoke every token issued so far.
    token_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class Consent(Base):
    """A consent the person gave (or withdrew), kept as a record, never overwritten."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_user_kind", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))  # biometric | privacy_policy
    version: Mapped[str] = mapped_column(String(32))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    # a paper form signed on site (no phone): who recorded it and the form's photo, encrypted in
    # the object store (services/storage)
    method: Mapped[str] = mapped_column(String(8), default="app", server_default="app")  # app | paper
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    form_photo_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
