"""What waits when Redis was down: a clock's selfie whose face job never reached the queue.

The request that stored the selfie committed, then could not enqueue (infra.jobs logs it and
answers 202 anyway). This sweep, run every minute (workers/cron.py; ``flask attendance sweep``
and the embedded periodic runner), enqueues the face job again for every clock still waiting,
and decides any clock whose check finished without handing over (closed by fail-stale).
Enqueueing twice is harmless: the face job writes its result once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from infra.jobs import enqueue
from models import db
from models.attendance import Clock, ClockStatus
from models.base import utcnow
from models.faces import FaceCheck, FaceCheckStatus
from services.faces.settings import FACE_QUEUE, JOB_RETRIES, JOB_TIMEOUT_SECONDS

GRACE = timedelta(seconds=30)  # younger clocks are most likely still in the queue


def sweep(now: datetime | None = None, grace: timedelta = GRACE) -> dict[str, int]:
    from services.attendance.clocks import decide

    now = now or utcnow()
    waiting = db.session.execute(select(Clock, FaceCheck).join(FaceCheck, FaceCheck.id == Clock.face_check_id)
                                 .where(Clock.status == ClockStatus.PENDING.value, Clock.received_at <= now - grace)
                                 .order_by(Clock.id).limit(1000)).all()
    requeued = decided = 0
    for clock, check in waiting:
        if check.status == FaceCheckStatus.PENDING.value:
            enqueue("workers.faces.face_check_job", check.id, queue=FACE_QUEUE, retry_max=JOB_RETRIES,
                    timeout=JOB_TIMEOUT_SECONDS)
            requeued += 1
        else:
            decide(clock, check)
            decided += 1
    db.session.flush()  # the caller commits, which hands the jobs over
    return {"requeued": requeued, "decided": decided}
