"""Rate limits (Flask-Limiter), per user and per IP, on the routes an attacker would hammer.

A route opts in with ``@rate_limited("<name>")``; the figures come from the app's
``RATE_LIMITS`` setting (config.DEFAULT_RATE_LIMITS: name -> [per user, per IP]) and are read
at each request, so one test can lower them. Routes sharing a name share the budget.
Counters live in Redis in production (every web worker sees the same counts) and in memory
in the demo. A breach answers 429 with the error JSON and ``Retry-After``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RequestLimit

from blueprints.api import bearer_token
from blueprints.errors import error_response
from services import auth
from services.errors import DomainError

RATE_LIMIT_MESSAGE = "操作过于频繁，请稍后再试"


def rate_limited(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.siteroll_rate_limit = name  # type: ignore[attr-defined]
        return view

    return mark


def ip_key() -> str:
    return "ip:" + (request.remote_addr or "unknown")


def user_key() -> str:
    """The caller's user id from the token's signature alone (no database read); else the IP."""
    token = bearer_token()
    if token is not None:
        try:
            user_id, _version = auth.user_id_from_token(token)
            return f"user:{user_id}"
        except DomainError:
            pass
    return ip_key()


def _breached(limit: RequestLimit) -> Response:
    retry_after = max(1, math.ceil(limit.reset_at - time.time()))
    resp = error_response(429, "RATE_LIMITED", RATE_LIMIT_MESSAGE,
                          {"retry_after_seconds": retry_after, "limit": str(limit.limit)})
    resp.headers["Retry-After"] = str(retry_after)
    return resp


def _figure(name: str, index: int) -> Callable[[], str]:
    return lambda: current_app.config["RATE_LIMITS"][name][index]


def init_app(app: Flask) -> Limiter:
    """One limiter per app; wraps every view marked with @rate_limited (call after the blueprints)."""
    storage = app.config["REDIS_URL"] if app.config.get("REDIS_URL") else "memory://"
    limiter = Limiter(
        key_func=ip_key, app=app, storage_uri=storage, key_prefix="siteroll:ratelimit",
        headers_enabled=False, on_breach=_breached, enabled=app.config["RATELIMIT_ENABLED"],
        # Redis down: count in memory rather than refuse every login
        in_memory_fallback_enabled=True, swallow_errors=True,
    )
    app.extensions["siteroll_limiter"] = limiter
    # every limit here is a route's own (checked inside its wrapper, below); the limiter's
    # before_request hook would only look for app-wide limits we do not have, on every request
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    for endpoint, view in list(app.view_functions.items()):
        name = getattr(view, "siteroll_rate_limit", None)
        if name is None:
            continue
        per_ip = limiter.shared_limit(_figure(name, 1), scope=f"{name}:ip", key_func=ip_key)
        per_user = limiter.shared_limit(_figure(name, 0), scope=f"{name}:user", key_func=user_key)
        app.view_functions[endpoint] = per_user(per_ip(view))
    return limiter
