"""`flask storage migrate`: the blobs older releases kept in the database, moved to the store.

Each legacy column (``face_evidence.photo_enc``, ``contracts.signature_enc``,
``payroll_lines.signature_enc``, ``payroll_deductions.ack_signature_enc``; then issues 26/27's
``contracts.employer_signature_enc``, ``contract_amendments.signature_enc`` /
``employer_signature_enc``, ``companies.seal_enc``, ``identity_verifications.document_photo_enc``,
``consents.form_photo_enc``: AES-GCM text from services/pii.py) is read in batches; each value
is decrypted, stored as an object (object first), and its row updated in one statement that sets
the reference and clears the column, guarded by ``legacy IS NOT NULL``. Each batch commits, so an
interrupted run loses nothing and the next run starts with what is left (resumable). Migrations
``0028_drop_blob_columns`` and ``0028b_drop_more_blobs`` drop the columns, and refuse while any of
them still holds a value.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, inspect, select, text

from models import db
from models.storage import StoredObject
from services import pii
from services.storage import objects
from services.storage.store import store

PUT_THREADS = 8


@dataclass(frozen=True)
class LegacyColumn:
    table: str
    column: str
    target: str
    # the AES-GCM associated data the old column used, which the object keeps (its row's context)
    context: str  # formatted with the row's id and check_id
    owner: str = "id"  # the column the context names
    content_type: str | None = None


LEGACY = (
    LegacyColumn("face_evidence", "photo_enc", "photo_object_id", "face_evidence:{}", owner="check_id"),
    LegacyColumn("contracts", "signature_enc", "signature_object_id", "contracts.signature_enc:{}",
                 content_type="image/png"),
    LegacyColumn("payroll_lines", "signature_enc", "signature_object_id", "payroll_lines.signature:{}",
                 content_type="image/png"),
    LegacyColumn("payroll_deductions", "ack_signature_enc", "ack_signature_object_id",
                 "payroll_deductions.ack_signature:{}", content_type="image/png"),
    # issues 26/27: each keeps the pii.row_context(table, column, id) it was sealed with
    LegacyColumn("contracts", "employer_signature_enc", "employer_signature_object_id",
                 "contracts.employer_signature_enc:{}", content_type="image/png"),
    LegacyColumn("contract_amendments", "signature_enc", "signature_object_id",
                 "contract_amendments.signature_enc:{}", content_type="image/png"),
    LegacyColumn("contract_amendments", "employer_signature_enc", "employer_signature_object_id",
                 "contract_amendments.employer_signature_enc:{}", content_type="image/png"),
    LegacyColumn("companies", "seal_enc", "seal_object_id", "companies.seal_enc:{}", content_type="image/png"),
    LegacyColumn("identity_verifications", "document_photo_enc", "document_photo_object_id",
                 "identity_verifications.document_photo_enc:{}"),  # JPEG or PNG: sniffed
    LegacyColumn("consents", "form_photo_enc", "form_photo_object_id", "consents.form_photo_enc:{}"),
)


def _existing() -> dict[str, set[str]]:
    inspector = inspect(db.session.connection())
    return {t: {col["name"] for col in inspector.get_columns(t)} for t in {c.table for c in LEGACY}
            if t in set(inspector.get_table_names())}


def present() -> list[LegacyColumn]:
    """The legacy columns this database still has and can move now (none once the drop migrations ran)."""
    columns = _existing()
    return [c for c in LEGACY if {c.column, c.target} <= columns.get(c.table, set())]


def awaiting_schema() -> list[LegacyColumn]:
    """Legacy columns whose reference column a later migration adds: a database stopped at
    0028_drop_blob_columns has issue 26/27's columns but not yet 0028b_more_object_refs' references."""
    columns = _existing()
    return [c for c in LEGACY if c.column in columns.get(c.table, set()) and c.target not in columns[c.table]]


def pending(col: LegacyColumn) -> int:
    return int(db.session.execute(text(
        f"SELECT COUNT(*) FROM {col.table} WHERE {col.column} IS NOT NULL")).scalar_one())


@dataclass
class MoveResult:
    moved: int = 0
    failed: list[int] | None = None
    last_id: int = 0


def move_batch(col: LegacyColumn, after_id: int, size: int) -> MoveResult:
    """Move up to ``size`` values with ids above ``after_id`` (flush; the caller commits).

    Objects first (written in parallel: the store's latency, not the CPU, is what a batch waits
    for), then their rows in one statement, then the owners' rows updated in one statement."""
    rows = db.session.execute(text(
        f"SELECT id, {col.owner} AS owner, {col.column} AS sealed FROM {col.table} "
        f"WHERE {col.column} IS NOT NULL AND id > :after ORDER BY id LIMIT :size"),
        {"after": after_id, "size": size}).all()
    result = MoveResult(failed=[], last_id=rows[-1].id if rows else after_id)
    prepared: list[tuple[int, dict[str, object], bytes]] = []
    for row in rows:
        context = col.context.format(row.owner)
        try:
            clear = pii.decrypt_bytes(row.sealed, context=context)
        except Exception:  # noqa: BLE001 - a value no key of the ring opens stays, and is reported
            result.failed.append(row.id)  # type: ignore[union-attr]
            continue
        values, sealed = objects.seal(clear, context=context, content_type=col.content_type)
        prepared.append((row.id, values, sealed))
    if not prepared:
        return result
    backend = store()
    with ThreadPoolExecutor(max_workers=PUT_THREADS) as pool:
        list(pool.map(lambda item: backend.put(str(item[1]["key"]), item[2], "application/octet-stream"), prepared))
    db.session.execute(insert(StoredObject), [values for _, values, _ in prepared])
    ids = dict(db.session.execute(select(StoredObject.key, StoredObject.id).where(
        StoredObject.key.in_([values["key"] for _, values, _ in prepared]))).tuples().all())
    db.session.execute(text(
        f"UPDATE {col.table} SET {col.target} = :obj, {col.column} = NULL "
        f"WHERE id = :id AND {col.column} IS NOT NULL"),
        [{"obj": ids[str(values["key"])], "id": row_id} for row_id, values, _ in prepared])
    # a row purged meanwhile kept its NULL: its object is not needed
    used = set(db.session.execute(text(f"SELECT {col.target} FROM {col.table} WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)), {"ids": [r for r, _, _ in prepared]}).scalars())
    result.moved = sum(1 for i in ids.values() if i in used)
    objects.discard([i for i in ids.values() if i not in used])
    return result


def migrate_all(size: int = 200, progress: Callable[[LegacyColumn, int], None] | None = None,
                commit: Callable[[], None] | None = None) -> dict[str, dict[str, object]]:
    """Every legacy column, batch by batch, committing after each batch."""
    commit = commit or db.session.commit
    report: dict[str, dict[str, object]] = {}
    for col in present():
        after, moved, failed = 0, 0, []
        while True:
            batch = move_batch(col, after, size)
            commit()
            moved += batch.moved
            failed += batch.failed or []
            if progress:
                progress(col, batch.moved + len(batch.failed or []))
            if batch.last_id == after:
                break
            after = batch.last_id
        report[f"{col.table}.{col.column}"] = {"moved": moved, "failed": failed}
    return report
