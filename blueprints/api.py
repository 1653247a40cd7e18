"""Shared pieces of every API blueprint: the caller, the error responses, JSON answers."""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Response, g, request
from flask_openapi3 import Tag
from pydantic import BaseModel

from blueprints.contract import ContractBlueprint
from schemas.common import ListQuery
from services import auth
from services.errors import DomainError, Unauthenticated
from services.pagination import Page, Paged

BEARER = [{"bearer": []}]


def api_blueprint(name: str, import_name: str, tag: str, description: str, *, secured: bool = True,
                  url_prefix: str = "/api/v1") -> ContractBlueprint:
    """``secured``: every route needs a signed-in caller; mark each with ``@login_required``
    (tests/api/test_auth.py checks that none is missing). Operation ids read
    ``<tag>.<camelCaseViewName>`` (``faces.createCheck``); error codes: ``@raises`` (blueprints/contract.py)."""
    bp = ContractBlueprint(
        name, import_name, area=tag, url_prefix=url_prefix,
        abp_tags=[Tag(name=tag, description=description)],
        abp_security=BEARER if secured else [],
    )
    bp.siteroll_secured = secured  # type: ignore[attr-defined]
    return bp


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_user(*, with_profile: bool = False) -> auth.Caller:
    user = g.get("siteroll_user")
    if user is None:
        token = bearer_token()
        if token is None:
            raise Unauthenticated()
        user = auth.authenticate(token, with_profile=with_profile)
        g.siteroll_user = user
    return user


P = ParamSpec("P")
T = TypeVar("T")


def login_required(view: Callable[P, T]) -> Callable[P, T]:
    """The route needs a signed-in caller (401 otherwise); put it under the route decorator."""

    profile = getattr(view, "siteroll_caller_profile", False)

    @functools.wraps(view)
    def signed_in(*args: P.args, **kwargs: P.kwargs) -> T:
        current_user(with_profile=profile)
        return view(*args, **kwargs)

    signed_in.siteroll_login_required = True  # type: ignore[attr-defined]
    return signed_in


def actor_id() -> int:
    """The signed-in caller's id: what services take as ``actor_id``."""
    return current_user().id


def with_profile(view: Callable[P, T]) -> Callable[P, T]:
    """The route shows the caller's memberships and consents: load them with the token check (one
    round trip, not three). Put it under ``@login_required``."""
    view.siteroll_caller_profile = True  # type: ignore[attr-defined]
    return view


def writes(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a GET route that writes (an audited read of personal information)."""
    view.siteroll_writes = True  # type: ignore[attr-defined]
    return view


def not_replayed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Never keep this route's answer for Idempotency-Key replay (it carries a fresh secret)."""
    view.siteroll_not_replayed = True  # type: ignore[attr-defined]
    return view


def page_from(query: ListQuery) -> Page:
    """The service-side page of a list request; a cursor we did not issue is a 422."""
    after = None
    if query.cursor:
        try:
            kind, _, value = base64.urlsafe_b64decode(query.cursor + "=" * (-len(query.cursor) % 4)).decode().partition(":")
            after = int(value)
        except (ValueError, UnicodeDecodeError):
            kind = ""
        if kind != "after" or after is None or after < 0:
            raise DomainError("CURSOR_INVALID")
    return Page(after=after, limit=query.limit)


def next_cursor(paged: Paged[Any]) -> str | None:
    if paged.next_after is None:
        return None
    return base64.urlsafe_b64encode(f"after:{paged.next_after}".encode()).decode().rstrip("=")


def answer(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None
           ) -> tuple[dict[str, Any], int, dict[str, str]]:
    return model.model_dump(mode="json"), status, headers or {}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body: Any, mimetype: str, filename: str) -> Response:
    """A file to save (bytes or streamed chunks); the request cycle marks every API answer no-store."""
    resp = Response(body, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return resp


def upload_bytes(upload: Any, limit: int) -> bytes | None:
    """An optional upload's bytes (one past `limit`, enough to refuse it); None when absent. A text field
    sent where the file belongs reads as b"", which the image checks refuse (4xx, never a 500)."""
    if upload is None:
        return None
    stream = getattr(upload, "stream", None)
    return stream.read(limit + 1) if stream is not None else b""
