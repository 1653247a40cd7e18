"""Shared pieces of every API blueprint: the caller, the error responses, JSON answers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import g, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from models import User
from schemas.common import ErrorResponse
from services import auth
from services.errors import Unauthenticated

BEARER = [{"bearer": []}]
ERROR_STATUSES = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 503)
ERROR_RESPONSES: dict[int, Any] = {status: ErrorResponse for status in ERROR_STATUSES}


def api_blueprint(name: str, import_name: str, tag: str, description: str, *, secured: bool = True,
                  url_prefix: str = "/api/v1") -> APIBlueprint:
    """``secured``: every route needs a signed-in caller; mark each with ``@login_required``
    (tests/api/test_auth.py checks that none is missing)."""
    bp = APIBlueprint(
        name, import_name, url_prefix=url_prefix,
        abp_tags=[Tag(name=tag, description=description)],
        abp_security=BEARER if secured else [],
        abp_responses=ERROR_RESPONSES,
    )
    bp.siteroll_secured = secured  # type: ignore[attr-defined]
    return bp


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_user() -> User:
    user = g.get("siteroll_user")
    if user is None:
        token = bearer_token()
        if token is None:
            raise Unauthenticated()
        user = auth.authenticate(token)
        g.siteroll_user = user
    return user


P = ParamSpec("P")
T = TypeVar("T")


def login_required(view: Callable[P, T]) -> Callable[P, T]:
    """The route needs a signed-in caller (401 otherwise); put it under the route decorator."""

    @functools.wraps(view)
    def signed_in(*args: P.args, **kwargs: P.kwargs) -> T:
        current_user()
        return view(*args, **kwargs)

    signed_in.siteroll_login_required = True  # type: ignore[attr-defined]
    return signed_in


def actor_id() -> int:
    """The signed-in caller's id: what services take as ``actor_id``."""
    return current_user().id


def writes(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a GET route that writes (an audited read of personal information)."""
    view.siteroll_writes = True  # type: ignore[attr-defined]
    return view


def not_replayed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Never keep this route's answer for Idempotency-Key replay (it carries a fresh secret)."""
    view.siteroll_not_replayed = True  # type: ignore[attr-defined]
    return view


def answer(model: BaseModel, status: int = 200) -> tuple[dict[str, Any], int]:
    return model.model_dump(mode="json"), status
