"""The project's RQ worker class.

``rq worker -w workers.worker.SiteRollWorker --with-scheduler -u $SITEROLL_REDIS_URL face default``

It runs jobs in its own process (no fork per job): the Flask app and, for the ``face``
queue, the face models are built once when the worker starts, not once per job.
TensorFlow is not fork-safe either. A job whose worker dies mid-run is put back by RQ's
abandoned-job cleanup and retried under the job's Retry policy.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from rq.worker import SimpleWorker

log = logging.getLogger(__name__)


class SiteRollWorker(SimpleWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        from app import create_app

        self.flask_app = create_app()
        if "face" in self.queue_names():
            self._warm_up_faces()

    def _warm_up_faces(self) -> None:
        from services.faces.runtime import warm_up

        with self.flask_app.app_context():
            warm_up()
        log.info("face models loaded once for this worker")

    def perform_job(self, job, queue, execution) -> bool:  # type: ignore[override]
        with self.flask_app.app_context():
            return super().perform_job(job, queue, execution)
