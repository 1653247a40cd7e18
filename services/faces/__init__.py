"""Face and liveness checks (issue #4): engine (pure), challenge rules, DB services."""

from __future__ import annotations


def warm_up() -> None:
    """Load the face models once per worker process (called by workers.worker.SiteRollWorker)."""
    from services.faces.checks import warm_up as load_models

    load_models()
