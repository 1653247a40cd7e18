"""Objects kept outside the database (photos, signatures, PDFs kept as issued): the reference.

The bytes live in the object store (services/storage: a folder or an S3 bucket), encrypted by
the app before they leave it; this row is what makes them readable: the random key, the
encryption envelope (key id + nonce), the associated data binding the object to the row that
owns it, and the plaintext's size and SHA-256 for `flask storage verify`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, utcnow


class StoredObject(Base):
    __tablename__ = "stored_objects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # random (services/storage/objects.py), never derived from ids or names: a listing of the
    # bucket says nothing about whose faces are in it
    key: Mapped[str] = mapped_column(String(80), unique=True)
    # the owner's row ("face_evidence:12"), part of the AES-GCM associated data with the key
    context: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))  # of the clear bytes
    envelope: Mapped[str] = mapped_column(String(64))  # v1.<key id>.<base64 nonce>
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IssuedDocument(Base):
    """A generated PDF kept as it was issued (a sealed contract, a payroll's final wage sheet, a
    payment voucher): downloads stream this object, never a new rendering, so the document served
    years later is byte-identical to the one issued (services/storage/issued.py)."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("kind", "owner_id", "revision", name="uq_issued_document"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # contract | wage_sheet | voucher
    owner_id: Mapped[int] = mapped_column(BigInteger)  # the contract's / the payroll's id
    # 0, or a voucher's last paid payment: each set of paid lines is a voucher of its own
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    pdf_object_id: Mapped[int] = mapped_column(ForeignKey("stored_objects.id"))
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
