"""Hand a finished face check to the area that asked for it, without faces importing that area.

An area starts a check with ``purpose`` (its own name for why, e.g. ``"attendance.clock_in"``)
and ``purpose_id`` (its row), and registers, in its own service module, what to do with the result:

    from services.faces.handover import on_face_check_finished

    @on_face_check_finished("attendance.clock_in")
    def _clock_in_checked(check: FaceCheck) -> None:
        ...  # read check.status / check.purpose_id, change the area's rows, flush

The face job calls the handler once, in the same transaction that writes the result: the
handler flushes and never commits; if it raises, the result rolls back with it and the job
is retried. Modules that register are listed in ``services.HANDOVER_MODULES`` so the web
process and every worker import them (``services.register_handlers``, called by create_app).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import bindparam, update

from models import db
from models.faces import FaceCheck, FaceCheckStatus

Handler = Callable[[FaceCheck], None]
H = TypeVar("H", bound=Handler)

_handlers: dict[str, Handler] = {}


def on_face_check_finished(purpose: str) -> Callable[[H], H]:
    """Register the handler of one purpose (one handler per purpose)."""

    def register(handler: H) -> H:
        existing = _handlers.get(purpose)
        if existing is not None and existing.__qualname__ != handler.__qualname__:
            raise ValueError(f"purpose {purpose!r} already handled by {existing.__qualname__}")
        _handlers[purpose] = handler  # a re-imported module replaces its own handler
        return handler

    return register


def is_registered(purpose: str) -> bool:
    return purpose in _handlers


def attach(check_id: int, purpose: str, purpose_id: int) -> bool:
    """Give a check uploaded before its purpose existed (a clock's selfie) its purpose.

    True: the check is still pending, so the handler will receive it when it finishes.
    False: it was decided already; the caller acts on the result now. The conditional UPDATE
    waits for a job writing the result at the same moment, so exactly one side acts.
    """
    if not is_registered(purpose):
        raise ValueError(f"no face check hand-over registered for purpose {purpose!r}")
    params = {"check_id": check_id, "purpose": purpose, "purpose_id": purpose_id}
    if db.session.execute(_ATTACH_PENDING, params).rowcount == 1:
        return True
    db.session.execute(_ATTACH, params)
    return False


# on the table, built once (a FaceCheck already in the session is not refreshed: reload it)
_CHECKS = FaceCheck.__table__
_ATTACH = (update(_CHECKS).where(_CHECKS.c.id == bindparam("check_id"), _CHECKS.c.purpose.is_(None))
           .values(purpose=bindparam("purpose"), purpose_id=bindparam("purpose_id")))
_ATTACH_PENDING = _ATTACH.where(_CHECKS.c.status == FaceCheckStatus.PENDING.value)


def hand_over(check: FaceCheck) -> None:
    """Called by the face job after the result is written; checks without a purpose stay in faces."""
    if check.purpose is None:
        return
    handler = _handlers.get(check.purpose)
    if handler is None:
        raise LookupError(f"no face check hand-over registered for purpose {check.purpose!r}")
    handler(check)
