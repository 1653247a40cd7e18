"""Keyset pages in both directions: newest first (pay slips) pages like the ascending lists."""

from __future__ import annotations

from sqlalchemy import select

from models import User
from services.pagination import Page, paged_rows
from tests.factories import make_user


def test_newest_first_pages_without_gaps_or_repeats(ctx) -> None:
    ids = [make_user().id for _ in range(5)]
    seen, after = [], None
    while True:
        page = paged_rows(select(User), User.id, Page(after=after, limit=2), newest_first=True)
        seen += [row[0].id for row in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == sorted(ids, reverse=True)
    ascending = paged_rows(select(User), User.id, Page(limit=10))
    assert [row[0].id for row in ascending.items] == sorted(ids)
