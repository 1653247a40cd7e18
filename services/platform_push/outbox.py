"""The outbox: facts collected from the other areas' rows, checked, sent, and followed to the
platform's asynchronous result.

``collect`` finds new facts by anti-join on (kind, object_id), so the areas that produce them
need not know the platform exists (paid pay lines come through ``record_paid_line``, which payroll
calls); the stable id makes collecting twice harmless and is sent as ``thirdSerialCode``.

An event is built and checked against its method's schema first: one that cannot be built is
``incomplete`` (what is missing and where to enter it), rechecked every cycle, never sent. A write
the platform takes answers ``requestSerialCode``: the event is ``sent`` and a job asks
``AsyncHandleResult.Query`` with backoff (xn-gchf's SerialHandler / AsyncQueueHolder: status 0
待处理, 10 处理失败, 20 处理成功) until it is ``accepted`` (Team.Add's result carries teamSysNo,
stored on the team) or ``rejected`` with the platform's reason. Only accepted counts as delivered.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

import requests
from sqlalchemy import and_, select

from infra import platform_protocol as protocol
from infra.jobs import enqueue
from models import Contract, Membership, MembershipStatus, Role, Team, db
from models.attendance import COUNTED_CLOCK_STATUSES, Clock
from models.base import utcnow
from models.oversight import PushEvent, PushStatus
from services.days import SITE_TZ
from services.platform_push import payloads
from services.platform_push.missing import Incomplete
from services.settings import settings

MAX_BACKOFF = timedelta(hours=1)
RECHECK = timedelta(minutes=1)  # an incomplete record is built again this often (the fix may have come)
DUE = (PushStatus.PENDING.value, PushStatus.INCOMPLETE.value, PushStatus.SENT.value)
ASYNC_ACCEPTED, ASYNC_REJECTED = "20", "10"
ENROLLED = Membership.status.in_((MembershipStatus.ACTIVE.value, MembershipStatus.LEFT.value))

# kind -> (method, model, condition, stable id prefix)
SOURCES = {
    "team_created": ("Team.Add", Team, None, "Team"),
    "worker_enrolled": ("ProjectWorker.Add", Membership, and_(Membership.role == Role.WORKER.value, ENROLLED),
                        "ProjectWorker"),
    "worker_entered": ("WorkerEntryExit.Add", Membership, and_(Membership.role == Role.WORKER.value, ENROLLED),
                       "WorkerEntry"),
    "contract_signed": ("WorkerContract.Add", Contract, Contract.signed_at.is_not(None), "WorkerContract"),
    "clock_decided": ("WorkerAttendance.Add", Clock, and_(
        Clock.status.in_(COUNTED_CLOCK_STATUSES), Clock.decided_at.is_not(None)), "WorkerAttendanceClock"),
    "worker_left": ("WorkerEntryExit.Add", Membership, and_(
        Membership.role == Role.WORKER.value, Membership.status == MembershipStatus.LEFT.value), "WorkerExit"),
}


def record_paid_line(line_id: int, project_id: int) -> None:
    """Payroll calls this when a pay line is paid: its Payroll.Add joins the outbox (once)."""
    stable_id = f"PayRollDetail:{line_id}"
    if db.session.execute(select(PushEvent.id).where(PushEvent.stable_id == stable_id)).first() is None:
        db.session.add(PushEvent(stable_id=stable_id, project_id=project_id, kind="pay_line_paid",
                                 method="Payroll.Add", object_id=line_id))
        db.session.flush()


def collect(limit: int = 5000) -> int:
    """Add an event for every fact not yet in the outbox; returns how many were added."""
    added = 0
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


def query_backoff(queries: int) -> timedelta:
    """The result is usually there within seconds: ask after 5 s, then doubling up to an hour."""
    return min(timedelta(seconds=5 * 2 ** queries), MAX_BACKOFF)


def _call(method: str, data: dict[str, Any]) -> dict[str, Any]:
    cfg = settings().oversight
    fields = {"appid": cfg.platform_appid, "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
              "format": "json", "method": method, "nonce": secrets.token_hex(16),
              "timestamp": utcnow().astimezone(SITE_TZ).strftime("%Y%m%d%H%M%S"), "version": protocol.VERSION}
    fields["sign"] = protocol.sign(fields, cfg.platform_secret)
    resp = requests.post(cfg.platform_url, data=fields, timeout=cfg.platform_timeout_seconds)
    if resp.status_code != 200:
        raise RuntimeError(f"HTTP {resp.status_code}")
    body = resp.json()
    if str(body.get("code")) != "0":
        raise RuntimeError(f"platform code {body.get('code')}: {body.get('message')}")
    return body.get("data") or {}


def _send(event: PushEvent) -> None:
    try:
        data = payloads.build(event, settings().oversight.platform_secret)
    except Incomplete as gap:
        event.status, event.missing = PushStatus.INCOMPLETE.value, [m.as_dict() for m in gap.items]
        event.next_attempt_at = utcnow() + RECHECK
        return
    event.missing = None
    event.attempts += 1
    try:
        answer = _call(event.method, data)
        serial = str(answer.get("requestSerialCode") or "")
        if not serial:
            raise RuntimeError("no requestSerialCode in the answer")
    except Exception as exc:  # noqa: BLE001 - any failure is retried; the message is kept for the admin
        event.status = PushStatus.PENDING.value
        event.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if event.attempts >= settings().oversight.push_max_attempts:
            event.status = PushStatus.DEAD.value
        else:
            event.next_attempt_at = utcnow() + backoff(event.attempts)
        return
    event.status, event.request_serial_code, event.sent_at, event.last_error = PushStatus.SENT.value, serial, utcnow(), None
    event.queries, event.next_attempt_at = 0, utcnow() + query_backoff(0)


def _accepted(event: PushEvent, result: str | None) -> None:
    if event.method == "Team.Add":  # the platform assigns the team's number: later objects name it
        team_sys_no = str(json.loads(result or "{}").get("teamSysNo") or "")
        if not team_sys_no:
            raise RuntimeError("Team.Add accepted without teamSysNo")  # asked again later
        db.session.get(Team, event.object_id).platform_team_sys_no = team_sys_no
    event.status, event.delivered_at, event.reason, event.last_error = PushStatus.ACCEPTED.value, utcnow(), None, None


def _query(event: PushEvent) -> None:
    event.queries += 1
    try:
        answer = _call("AsyncHandleResult.Query", {"requestSerialCode": event.request_serial_code})
        status, result = str(answer.get("status") or ""), answer.get("result")
        if status == ASYNC_ACCEPTED:
            _accepted(event, result)
            return
    except Exception as exc:  # noqa: BLE001 - asked again later; the message is kept for the admin
        event.last_error = f"AsyncHandleResult.Query: {type(exc).__name__}: {exc}"[:500]
        event.next_attempt_at = utcnow() + query_backoff(event.queries)
        return
    if status == ASYNC_REJECTED:
        event.status, event.reason = PushStatus.REJECTED.value, str(result or "处理失败")[:500]
    else:  # 0 待处理
        event.next_attempt_at = utcnow() + query_backoff(event.queries)


def deliver(event_id: int) -> str:
    """One step of an event: check and send it, or ask for the result of its send."""
    event = db.session.execute(select(PushEvent).where(PushEvent.id == event_id).with_for_update()).scalar_one_or_none()
    if event is None or event.status not in DUE or not settings().oversight.platform_url:
        return event.status if event else "missing"
    if event.status == PushStatus.SENT.value:
        _query(event)
    else:
        _send(event)
    db.session.flush()
    return event.status


def enqueue_due(limit: int = 500) -> int:
    """Hand each due event to a job (job id per step: enqueuing twice runs it once)."""
    if not settings().oversight.platform_url:
        return 0
    due = db.session.execute(select(PushEvent.id, PushEvent.status, PushEvent.next_attempt_at).where(
        PushEvent.status.in_(DUE), PushEvent.next_attempt_at <= utcnow())
        .order_by(PushEvent.next_attempt_at).limit(limit)).all()
    for event_id, status, at in due:
        enqueue("workers.oversight.deliver_push_job", event_id, retry_max=0,
                job_id=f"push-{event_id}-{status}-{at:%Y%m%d%H%M%S%f}")
    return len(due)
