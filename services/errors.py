"""Domain errors: a stable machine code, a short Chinese message, an HTTP status.

The one place that turns them into JSON is blueprints/errors.py.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details or {}


class BadRequest(DomainError):
    status = 400


class Unauthenticated(DomainError):
    status = 401

    def __init__(self, code: str = "UNAUTHENTICATED", message: str = "未登录或登录已过期，请重新登录",
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, details)


class Forbidden(DomainError):
    status = 403

    def __init__(self, code: str = "FORBIDDEN", message: str = "没有权限进行此操作",
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, details)


class NotFound(DomainError):
    status = 404


class ProjectNotFound(NotFound):
    """The project does not exist, or the caller is not in it: outsiders learn nothing more."""

    def __init__(self, details: dict[str, Any] | None = None) -> None:
        super().__init__("PROJECT_NOT_FOUND", "项目不存在或您不是该项目成员", details)


class Conflict(DomainError):
    status = 409


class Unprocessable(DomainError):
    status = 422


class TooManyRequests(DomainError):
    status = 429


class ServiceUnavailable(DomainError):
    status = 503
