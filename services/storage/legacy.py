"""`flask storage migrate`: the blobs older releases kept in the database, moved to the store.

Each legacy column (``face_evidence.photo_enc``, ``contracts.signature_enc``,
``payroll_lines.signature_enc``: AES-GCM text from services/pii.py) is read in batches; each value
is decrypted, stored as an object (object first), and its row updated in one statement that sets
the reference and clears the column, guarded by ``legacy IS NOT NULL``. Each batch commits, so an
interrupted run loses nothing and the next run starts with what is left (resumable). Migration
``0028_drop_blob_columns`` drops the columns, and refuses while any of them still holds a value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import inspect, text

from models import db
from services import pii
from services.storage import objects


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
)


def present() -> list[LegacyColumn]:
    """The legacy columns this database still has (none once 0028_drop_blob_columns ran)."""
    inspector = inspect(db.session.connection())
    tables = set(inspector.get_table_names())
    return [c for c in LEGACY if c.table in tables
            and c.column in {col["name"] for col in inspector.get_columns(c.table)}]


def pending(col: LegacyColumn) -> int:
    return int(db.session.execute(text(
        f"SELECT COUNT(*) FROM {col.table} WHERE {col.column} IS NOT NULL")).scalar_one())


@dataclass
class MoveResult:
    moved: int = 0
    failed: list[int] | None = None
    last_id: int = 0


def move_batch(col: LegacyColumn, after_id: int, size: int) -> MoveResult:
    """Move up to ``size`` values with ids above ``after_id`` (flush; the caller commits)."""
    rows = db.session.execute(text(
        f"SELECT id, {col.owner} AS owner, {col.column} AS sealed FROM {col.table} "
        f"WHERE {col.column} IS NOT NULL AND id > :after ORDER BY id LIMIT :size"),
        {"after": after_id, "size": size}).all()
    result = MoveResult(failed=[], last_id=after_id)
    for row in rows:
        result.last_id = row.id
        context = col.context.format(row.owner)
        try:
            clear = pii.decrypt_bytes(row.sealed, context=context)
        except Exception:  # noqa: BLE001 - a value no key of the ring opens stays, and is reported
            result.failed.append(row.id)  # type: ignore[union-attr]
            continue
        stored = objects.put(clear, context=context, content_type=col.content_type)
        done = db.session.execute(text(
            f"UPDATE {col.table} SET {col.target} = :obj, {col.column} = NULL "
            f"WHERE id = :id AND {col.column} IS NOT NULL"), {"obj": stored.id, "id": row.id}).rowcount
        if done == 1:
            result.moved += 1
        else:  # purged meanwhile: the object is not needed
            objects.discard([stored.id])
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
