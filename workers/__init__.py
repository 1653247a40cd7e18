"""RQ job functions (thin wrappers around services) and the worker class that runs them.

A job runs in an app context (SiteRollWorker, or the in-process runner) and owns its
transaction: services flush, the job commits (``@commits``), as a request does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from models import db

P = ParamSpec("P")
T = TypeVar("T")


def commits(job: Callable[P, T]) -> Callable[P, T]:
    """Commit what the service flushed once the job function returns (an exception rolls back)."""

    @functools.wraps(job)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            result = job(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run
