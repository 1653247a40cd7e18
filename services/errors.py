"""Domain errors: raised by code; the status, message and advice live in services/error_codes.py.

``raise DomainError("PROJECT_NOT_FOUND")`` is the whole call; a message is passed only when it
carries something the catalogue cannot (``CONSENT_REQUIRED`` names the agreement). The classes
below stay as readable aliases (``NotFound("TEAM_NOT_FOUND")``); the catalogue decides the status.
The one place that turns errors into JSON is blueprints/errors.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.error_codes import lookup


class DomainError(Exception):
    status = 400
    default_code = "BAD_REQUEST"

    def __init__(self, code: str | None = None, message: str | None = None,
                 details: dict[str, Any] | None = None, *,
                 after_rollback: Callable[[], None] | None = None) -> None:
        entry = lookup(code or self.default_code)
        super().__init__(f"{entry.code}: {message or entry.message}")
        self.code = entry.code
        # a face-check result reason (status None) is a failed check in the job; were one ever
        # raised at a request it would refuse the upload
        self.status = entry.status or 422
        self.message = message or entry.message
        self.details = details or {}
        # what a refusal itself leaves behind (a suspicious attempt), written in a transaction of its
        # own once the request's writes are rolled back: the request still changes nothing
        self.after_rollback = after_rollback


class BadRequest(DomainError):
    status = 400


class Unauthenticated(DomainError):
    status = 401
    default_code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    status = 403
    default_code = "FORBIDDEN"


class NotFound(DomainError):
    status = 404
    default_code = "NOT_FOUND"


class ProjectNotFound(NotFound):
    """The project does not exist, or the caller is not in it: outsiders learn nothing more."""

    default_code = "PROJECT_NOT_FOUND"

    def __init__(self, details: dict[str, Any] | None = None) -> None:
        super().__init__(details=details)


class Conflict(DomainError):
    status = 409
    default_code = "CONFLICT"


class Unprocessable(DomainError):
    status = 422
    default_code = "VALIDATION_FAILED"


class TooManyRequests(DomainError):
    status = 429
    default_code = "TOO_MANY_REQUESTS"


class ServiceUnavailable(DomainError):
    status = 503
    default_code = "SERVICE_UNAVAILABLE"
