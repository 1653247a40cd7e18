"""A labour manager's approval for an enrolled worker to replace their face template."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class FaceReenrollment(Base):
    """Spent by the enrollment check it is linked to once that check passes; a failed or broken
    check leaves it usable for the next try."""

    __tablename__ = "face_reenrollments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    check_id: Mapped[int | None] = mapped_column(BigInteger)  # the enrollment that used it; no FK (checks come later)
