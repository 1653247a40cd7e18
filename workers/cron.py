"""Schedule of the periodic jobs, for RQ's cron scheduler:

    rq cron -u "$SITEROLL_REDIS_URL" workers/cron.py

The jobs land on the ``default`` queue, where a SiteRollWorker runs them in an app context.
In the embedded mode the same work is one command each: ``flask --app app faces purge-evidence``,
``flask --app app faces fail-stale``, ``flask --app app maintenance purge-idempotency``, ``flask --app app attendance sweep``, ``flask --app app oversight refresh-warnings``,
``flask --app app oversight push``, ``flask --app app retention apply``, ``flask --app app storage sweep``.
"""

from __future__ import annotations

from rq import cron

from workers.attendance import sweep_waiting_clocks
from workers.maintenance import (
    apply_retention_job,
    fail_stale_face_checks,
    purge_face_evidence,
    purge_idempotency_keys,
    sweep_storage_orphans,
)
from workers.oversight import push_outbox_job, refresh_warnings_job

cron.register(purge_face_evidence, "default", cron="30 3 * * *", name="purge-face-evidence")  # 03:30 UTC
cron.register(fail_stale_face_checks, "default", interval=30 * 60, name="fail-stale-face-checks")
cron.register(apply_retention_job, "default", cron="0 19 * * *", name="apply-retention")  # 03:00 Beijing
cron.register(purge_idempotency_keys, "default", cron="0 4 * * *", name="purge-idempotency-keys")
cron.register(sweep_storage_orphans, "default", cron="15 4 * * *", name="sweep-storage-orphans")
cron.register(sweep_waiting_clocks, "default", interval=60, name="sweep-waiting-clocks")
cron.register(refresh_warnings_job, "default", cron="30 18 * * *", name="refresh-warnings")  # 02:30 Beijing
cron.register(push_outbox_job, "default", interval=60, name="push-outbox")
