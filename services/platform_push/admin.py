"""What the project admin does with the platform push: enter the project's platform code, read the
outbox (incomplete records with what is missing, rejected ones with the reason), resend after a fix."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Project, db
from models.base import utcnow
from models.oversight import PushEvent, PushStatus
from services import audit
from services.authz import Action, authorize
from services.errors import Conflict, NotFound, ProjectNotFound
from services.pagination import Page, Paged, paged_rows

RESENDABLE = (PushStatus.REJECTED.value, PushStatus.DEAD.value, PushStatus.INCOMPLETE.value)
COUNTED = (PushStatus.INCOMPLETE.value, PushStatus.PENDING.value, PushStatus.SENT.value, PushStatus.ACCEPTED.value,
           PushStatus.REJECTED.value, PushStatus.DEAD.value)


def set_platform_code(actor_id: int, project_id: int, code: str | None) -> Project:
    """项目编码 from the project's registration on the platform: no push leaves without it."""
    authorize(actor_id, Action.PROJECT_UPDATE, project_id)
    project = db.session.get(Project, project_id)
    if project is None:
        raise ProjectNotFound()
    before, project.platform_code = project.platform_code, code
    db.session.flush()
    audit.record("project.platform_code_set", actor_user_id=actor_id, object_type="project", object_id=project_id,
                 details={"from": before, "to": code})
    return project


def project_events(actor_id: int, project_id: int, status: str | None, page: Page = Page()) -> Paged[PushEvent]:
    authorize(actor_id, Action.PUSH_VIEW, project_id)
    query = select(PushEvent).where(PushEvent.project_id == project_id)
    if status:
        query = query.where(PushEvent.status == status)
    paged = paged_rows(query, PushEvent.id, page)
    return Paged([row[0] for row in paged.items], paged.next_after)


def resend(actor_id: int, event_id: int) -> PushEvent:
    """Send a rejected (or given-up, or incomplete) record again: it is rebuilt from today's data."""
    event = db.session.get(PushEvent, event_id)
    if event is None:
        raise NotFound("PUSH_EVENT_NOT_FOUND")
    authorize(actor_id, Action.PUSH_RESEND, event.project_id)
    if event.status not in RESENDABLE:
        raise Conflict("PUSH_EVENT_NOT_RESENDABLE", details={"status": event.status})
    before = event.status
    event.status, event.attempts, event.queries, event.next_attempt_at = PushStatus.PENDING.value, 0, 0, utcnow()
    event.request_serial_code = event.sent_at = None
    db.session.flush()
    audit.record("push.resend", actor_user_id=actor_id, object_type="push_event", object_id=event.id,
                 details={"from": before, "reason": event.reason})
    return event


def counts(project_ids: list[int]) -> dict[str, int]:
    """Every status with its number (zeros too): sent, accepted and rejected are what the dashboards show."""
    found = dict(db.session.execute(select(PushEvent.status, func.count()).where(PushEvent.project_id.in_(project_ids))
                                    .group_by(PushEvent.status)).all()) if project_ids else {}
    return {status: int(found.get(status, 0)) for status in COUNTED}
