"""Keyset pagination for every list: ``WHERE id > after ORDER BY id LIMIT n+1``.

Stable while rows are added (no skipped or repeated items, unlike OFFSET) and cheap on
MariaDB at any depth. The API turns ``after`` into an opaque ``cursor`` (blueprints/api.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select

from models import db

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page:
    after: int | None = None  # the last id the caller already has
    limit: int = DEFAULT_LIMIT


@dataclass
class Paged(Generic[T]):
    items: list[T]
    next_after: int | None  # None: this was the last page


def paged_rows(query: Select, id_column: Any, page: Page, *, newest_first: bool = False) -> Paged[Any]:
    """Rows of ``query`` (ordered by ``id_column``) after ``page.after``; one extra row says "more".
    ``newest_first``: descending ids, "after" still meaning the last id the caller already has."""
    if page.after is not None:
        query = query.where(id_column < page.after if newest_first else id_column > page.after)
    order = id_column.desc() if newest_first else id_column
    rows = db.session.execute(query.order_by(None).order_by(order).limit(page.limit + 1)).all()
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    last = rows[-1][0].id if rows and more else None
    return Paged(list(rows), last)
