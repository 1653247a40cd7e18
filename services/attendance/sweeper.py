"""What waits when Redis was down: a clock's selfie whose face job never reached the queue.

The request that stored the selfie committed, then could not enqueue (infra.jobs logs it and
answers 202 anyway). This sweep, run every minute (workers/cron.py; ``flask attendance sweep``
and the embedded periodic runner), enqueues the face job again for every clock still waiting.
Enqueueing twice is harmless: the face job writes its result once. The sweep decides nothing:
every check, also one closed by fail-stale, is handed over to the clock by the faces area.
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
    now = now or utcnow()
    waiting = db.session.execute(select(Clock, FaceCheck).join(FaceCheck, FaceCheck.id == Clock.face_check_id)
                                 .where(Clock.status == ClockStatus.PENDING.value, Clock.received_at <= now - grace)
                                 .order_by(Clock.id).limit(1000)).all()
    requeued = 0
    for _clock, check in waiting:
        if check.status == FaceCheckStatus.PENDING.value:
            enqueue("workers.faces.face_check_job", check.id, queue=FACE_QUEUE, retry_max=JOB_RETRIES,
                    timeout=JOB_TIMEOUT_SECONDS)
            requeued += 1
    db.session.flush()  # the caller commits, which hands the jobs over
    return {"requeued": requeued}
