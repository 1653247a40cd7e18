"""The supervisor's (监理) monthly inspection findings and the contractor's answers (整改回复)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import db
from models.base import utcnow
from models.oversight import Finding, FindingStatus
from services import audit
from services.authz import Action, authorize
from services.errors import Conflict, NotFound, Unprocessable
from services.pagination import Page, Paged, paged_rows

ITEMS = {"to_post_rate": "到岗率", "attendance_accuracy": "考勤准确性", "wage_records": "工资发放记录",
         "other": "其他"}


def record_finding(actor_id: int, project_id: int, *, month: str, item: str, description: str,
                   rectify_by: date | None) -> Finding:
    authorize(actor_id, Action.FINDING_RECORD, project_id)
    if item not in ITEMS:
        raise Unprocessable("FINDING_ITEM_INVALID", details={"allowed": list(ITEMS)})
    row = Finding(project_id=project_id, month=month, item=item, description=description, rectify_by=rectify_by,
                  created_by=actor_id)
    db.session.add(row)
    db.session.flush()
    audit.record("oversight.finding_recorded", actor_user_id=actor_id, object_type="finding", object_id=row.id,
                 details={"project_id": project_id, "item": item, "month": month})
    return row


def answer_finding(actor_id: int, finding_id: int, answer: str) -> Finding:
    row = db.session.get(Finding, finding_id)
    if row is None:
        raise NotFound("FINDING_NOT_FOUND")
    authorize(actor_id, Action.FINDING_ANSWER, row.project_id)
    if row.status != FindingStatus.OPEN.value:
        raise Conflict("FINDING_ANSWERED")
    row.status, row.answer, row.answered_by, row.answered_at = FindingStatus.ANSWERED.value, answer, actor_id, utcnow()
    db.session.flush()
    audit.record("oversight.finding_answered", actor_user_id=actor_id, object_type="finding", object_id=row.id,
                 details={"project_id": row.project_id})
    return row


def project_findings(actor_id: int, project_id: int, page: Page = Page()) -> Paged[Finding]:
    authorize(actor_id, Action.OVERSIGHT_VIEW, project_id)
    paged = paged_rows(select(Finding).where(Finding.project_id == project_id), Finding.id, page)
    return Paged([row[0] for row in paged.items], paged.next_after)
