"""Generated PDFs kept as issued: a sealed contract, a payroll's final wage sheet, a voucher.

A document that has become final is rendered **once** and that rendering is kept in the object
store (encrypted before it leaves the app, ``content_type`` application/pdf, SHA-256 and size on its
``stored_objects`` row, the AES-GCM associated data naming the document: kind, owner, revision).
Every later download streams the kept object, so the file served years later is byte-identical
to the one issued, whatever happened since to templates, fonts, company names or the PDF code.
Before a document is final the areas keep rendering it live (a draft).

Consistency is the store's rule: ``keep`` writes the object, then adds its rows (flush, never
commit); a transaction that rolls back leaves an orphan the sweeper deletes. Issued documents are
wage and contract records, which the retention table keeps (services/retention/policy.py: action
``keep``), so nothing purges them; ``forget`` is the one way to drop one, through
``objects.discard`` (the object goes after the commit).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from sqlalchemy import select

from models import db
from models.storage import IssuedDocument
from services.storage import objects

PDF = "application/pdf"


class DocumentKind(StrEnum):
    CONTRACT = "contract"
    WAGE_SHEET = "wage_sheet"
    VOUCHER = "voucher"


def context(kind: str, owner_id: int, revision: int = 0) -> str:
    """The associated data of a kept PDF: it opens only as this document of this owner."""
    return f"issued_documents:{kind}:{owner_id}:{revision}"


def find(kind: str, owner_id: int, revision: int = 0) -> IssuedDocument | None:
    return db.session.execute(select(IssuedDocument).where(
        IssuedDocument.kind == kind, IssuedDocument.owner_id == owner_id,
        IssuedDocument.revision == revision)).scalar_one_or_none()


def keep(kind: str, owner_id: int, pdf: bytes, *, revision: int = 0, actor_id: int | None = None) -> IssuedDocument:
    """Store the issued rendering (object first, then the rows; flush). Raises StorageUnavailable
    (503) before anything is added to the session when the store does not take it. The caller
    holds the owner's row lock, so two first downloads do not both keep one."""
    stored = objects.put(pdf, context=context(kind, owner_id, revision), content_type=PDF)
    doc = IssuedDocument(kind=kind, owner_id=owner_id, revision=revision, pdf_object_id=stored.id,
                         issued_by=actor_id)
    db.session.add(doc)
    db.session.flush()
    return doc


def body(doc: IssuedDocument) -> Iterator[bytes]:
    """The kept PDF in chunks (decrypted as it streams; never whole in memory). The store is opened
    now, so an unreachable store is a 503 before the answer starts."""
    row = objects.get_row(doc.pdf_object_id)
    assert row is not None  # the foreign key keeps it
    return objects.stream(row)


def forget(docs: list[IssuedDocument]) -> int:
    """Drop kept documents: the rows now, their objects after the commit."""
    ids = [d.pdf_object_id for d in docs]
    for doc in docs:
        db.session.delete(doc)
    db.session.flush()
    return objects.discard(ids)
