"""The outbox: facts collected from the other areas' rows, delivered one by one with backoff.

``collect`` finds new facts by anti-join on (kind, object_id), so the areas that produce them
need not know the platform exists; the stable id makes collecting twice harmless, and is sent
as ``thirdSerialCode`` so the platform keeps one copy however often a delivery is retried.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import requests
from sqlalchemy import and_, select

from infra import platform_protocol as protocol
from infra.jobs import enqueue
from models import Contract, Membership, MembershipStatus, Role, Team, db
from models.attendance import AttendanceDay
from models.base import utcnow
from models.oversight import PushEvent, PushStatus
from models.payroll import PaymentStatus, Payroll, PayrollLine
from services.authz import Action, authorize
from services.days import SITE_TZ
from services.pagination import Page, Paged, paged_rows
from services.platform_push import payloads
from services.settings import settings

MAX_BACKOFF = timedelta(hours=1)

# kind -> (method, model, condition, stable id prefix)
SOURCES = {
    "team_created": ("Team.Add", Team, None, "Team"),
    "worker_enrolled": ("ProjectWorker.Add", Membership, and_(
        Membership.role == Role.WORKER.value,
        Membership.status.in_((MembershipStatus.ACTIVE.value, MembershipStatus.LEFT.value))), "ProjectWorker"),
    "contract_signed": ("WorkerContract.Add", Contract, Contract.signed_at.is_not(None), "WorkerContract"),
    "attendance_day": ("WorkerAttendance.Add", AttendanceDay, and_(
        AttendanceDay.confirmed_at.is_not(None), AttendanceDay.first_in.is_not(None)), "WorkerAttendance"),
    "worker_left": ("WorkerEntryExit.Add", Membership, and_(
        Membership.role == Role.WORKER.value, Membership.status == MembershipStatus.LEFT.value), "WorkerExit"),
}


def _paid_lines(limit: int):
    """Pay lines paid (payroll's lines carry their project through the payroll)."""
    return (select(PayrollLine.id, Payroll.project_id).join(Payroll, Payroll.id == PayrollLine.payroll_id)
            .outerjoin(PushEvent, and_(PushEvent.kind == "pay_line_paid", PushEvent.object_id == PayrollLine.id))
            .where(PushEvent.id.is_(None), PayrollLine.payment_status == PaymentStatus.PAID.value)
            .order_by(PayrollLine.id).limit(limit))


def collect(limit: int = 5000) -> int:
    """Add an event for every fact not yet in the outbox; returns how many were added."""
    added = 0
    for object_id, project_id in db.session.execute(_paid_lines(limit)).all():
        db.session.add(PushEvent(stable_id=f"PayRollDetail:{object_id}", project_id=project_id, kind="pay_line_paid",
                                 method="Payroll.Add", object_id=object_id))
        added += 1
    for kind, (method, model, condition, prefix) in SOURCES.items():
        query = (select(model.id, model.project_id)
                 .outerjoin(PushEvent, and_(PushEvent.kind == kind, PushEvent.object_id == model.id))
                 .where(PushEvent.id.is_(None)).order_by(model.id).limit(limit))
        if condition is not None:
            query = query.where(condition)
        for object_id, project_id in db.session.execute(query).all():
            db.session.add(PushEvent(stable_id=f"{prefix}:{object_id}", project_id=project_id, kind=kind,
                                     method=method, object_id=object_id))
            added += 1
    db.session.flush()
    return added


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _post(event: PushEvent) -> None:
    cfg = settings().oversight
    data = json.dumps(payloads.build(event, cfg.platform_secret), ensure_ascii=False, separators=(",", ":"))
    fields = {"appid": cfg.platform_appid, "data": data, "format": "json", "method": event.method,
              "nonce": secrets.token_hex(16), "timestamp": utcnow().astimezone(SITE_TZ).strftime("%Y%m%d%H%M%S"),
              "version": protocol.VERSION}
    fields["sign"] = protocol.sign(fields, cfg.platform_secret)
    resp = requests.post(cfg.platform_url, data=fields, timeout=cfg.platform_timeout_seconds)
    if resp.status_code != 200:
        raise RuntimeError(f"HTTP {resp.status_code}")
    body = resp.json()
    if str(body.get("code")) != "0":
        raise RuntimeError(f"platform code {body.get('code')}: {body.get('message')}")


def deliver(event_id: int) -> str:
    """One attempt; on failure the next one is due after a doubling wait, the last one makes a dead letter."""
    event = db.session.execute(select(PushEvent).where(PushEvent.id == event_id).with_for_update()).scalar_one_or_none()
    if event is None or event.status != PushStatus.PENDING.value or not settings().oversight.platform_url:
        return event.status if event else "missing"
    event.attempts += 1
    try:
        _post(event)
    except Exception as exc:  # noqa: BLE001 - any failure is retried; the message is kept for the admin
        event.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if event.attempts >= settings().oversight.push_max_attempts:
            event.status = PushStatus.DEAD.value
        else:
            event.next_attempt_at = utcnow() + backoff(event.attempts)
    else:
        event.status, event.delivered_at, event.last_error = PushStatus.DELIVERED.value, utcnow(), None
    db.session.flush()
    return event.status


def enqueue_due(limit: int = 500) -> int:
    """Hand each due event to a delivery job (job id per attempt: enqueuing twice runs it once)."""
    if not settings().oversight.platform_url:
        return 0
    due = db.session.execute(select(PushEvent.id, PushEvent.attempts).where(
        PushEvent.status == PushStatus.PENDING.value, PushEvent.next_attempt_at <= utcnow())
        .order_by(PushEvent.next_attempt_at).limit(limit)).all()
    for event_id, attempts in due:
        enqueue("workers.oversight.deliver_push_job", event_id, retry_max=0, job_id=f"push-{event_id}-{attempts}")
    return len(due)


def project_events(actor_id: int, project_id: int, status: str | None, page: Page = Page()) -> Paged[PushEvent]:
    authorize(actor_id, Action.PUSH_VIEW, project_id)
    query = select(PushEvent).where(PushEvent.project_id == project_id)
    if status:
        query = query.where(PushEvent.status == status)
    paged = paged_rows(query, PushEvent.id, page)
    return Paged([row[0] for row in paged.items], paged.next_after)
