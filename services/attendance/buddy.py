"""Buddy punching: a clock whose selfie did not match the worker is compared with the project's
other active workers by the faces area (``services.faces.identify``: its threshold, its consent rule,
every template read audited). A hit flags the clock ``BUDDY_PUNCH`` with the matched worker, whom only
the labour manager sees. Runs on the face queue (the models are loaded there)."""

from __future__ import annotations

from sqlalchemy import select

from models import Membership, MembershipStatus, Role, db
from models.attendance import Clock
from services import audit
from services.faces.identify import identify


def search_buddy(clock_id: int) -> int | None:
    """The other worker whose face this clock's selfie is, if any (and flag the clock)."""
    clock = db.session.get(Clock, clock_id)
    if clock is None or clock.face_check_id is None or clock.buddy_user_id is not None:
        return None
    candidates = list(db.session.execute(select(Membership.user_id).where(
        Membership.project_id == clock.project_id, Membership.role == Role.WORKER.value,
        Membership.status == MembershipStatus.ACTIVE.value, Membership.user_id != clock.user_id)).scalars())
    found = identify(clock.face_check_id, candidates, purpose=f"buddy_punch:{clock.id}")
    if found is None:
        return None
    clock.buddy_user_id = found.user_id
    clock.flags = [*(clock.flags or []), "BUDDY_PUNCH"]
    audit.record("attendance.buddy_punch_flagged", actor_user_id=None, object_type="attendance_clock",
                 object_id=clock_id, details={"templates_searched": found.searched, "distance": found.distance,
                                              "project_id": clock.project_id, "user_id": clock.user_id,
                                              "matched_user_id": found.user_id})
    db.session.flush()
    return found.user_id
