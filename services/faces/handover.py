"""Hand a finished face check to the area that asked for it, so faces never imports that area.

Areas register a handler per purpose (today the check's kind, e.g. "contract"); the face job
calls ``hand_over`` in the transaction that writes the result.
"""

from __future__ import annotations

from collections.abc import Callable

# purpose -> fn(check_id, status) run inside the job's transaction
HANDLERS: dict[str, Callable[[int, str], None]] = {}


def register(purpose: str, handler: Callable[[int, str], None]) -> None:
    HANDLERS[purpose] = handler


def hand_over(purpose: str, check_id: int, status: str) -> None:
    handler = HANDLERS.get(purpose)
    if handler is not None:
        handler(check_id, status)
