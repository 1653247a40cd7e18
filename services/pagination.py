"""Cursor pagination over an id-ordered query: `limit`, `cursor` in; `items`, `next_cursor` out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select

from models import db
from services.errors import Unprocessable

T = TypeVar("T")
MAX_LIMIT = 100


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def page_by_id(query: Select[Any], id_column: Any, *, limit: int, cursor: str | None) -> Page[Any]:
    if cursor is not None:
        if not cursor.isdigit():
            raise Unprocessable("CURSOR_INVALID", "分页游标无效，请从第一页重新加载")
        query = query.where(id_column > int(cursor))
    rows = list(db.session.execute(query.order_by(id_column).limit(min(limit, MAX_LIMIT) + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, str(rows[-1].id) if more and rows else None)
