"""Answers for one bar of 4G: gzip when the phone accepts it, ETag/304 on GETs it re-polls.

``@etag`` on a GET route: the answer carries a short weak ETag; a request with the same ``If-None-Match`` gets 304 and no body (the view still
runs, so permissions and audited reads are unchanged; only the bytes on the air are saved).
Compression is a WSGI wrapper, outside Flask's hooks, so the Idempotency-Key store and the
ETag always see the plain JSON.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response as WerkzeugResponse

COMPRESSIBLE = ("application/json", "text/html", "text/css", "text/javascript", "application/javascript",
                "image/svg+xml", "text/plain")
MIN_GZIP_BYTES = 256  # below this the gzip header and the CPU are not worth it
MIN_SAVING = 64  # "Content-Encoding: gzip" and "Vary: Accept-Encoding" cost ~47 bytes themselves
GZIP_LEVEL = 6


def etag(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a GET route whose answer a phone re-fetches: ETag, and 304 when unchanged."""
    view.siteroll_etag = True  # type: ignore[attr-defined]
    return view


def polled(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a GET route that is polled: its answer may carry Retry-After (documented)."""
    view.siteroll_polled = True  # type: ignore[attr-defined]
    return view


def accepts_gzip(header: str | None) -> bool:
    return parse_accept_header(header).quality("gzip") > 0


class Gzip:
    """WSGI middleware: gzip text answers of at least MIN_GZIP_BYTES for clients that accept it."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")):
            return self.wsgi_app(environ, start_response)
        response = WerkzeugResponse.from_app(self.wsgi_app, environ, buffered=True)
        if self._worth_it(response):
            plain = response.get_data()
            packed = gzip.compress(plain, GZIP_LEVEL, mtime=0)
            if len(packed) + MIN_SAVING <= len(plain):
                response.direct_passthrough = False
                response.set_data(packed)
                response.headers["Content-Encoding"] = "gzip"
                response.vary.add("Accept-Encoding")
        return response(environ, start_response)

    @staticmethod
    def _worth_it(response: WerkzeugResponse) -> bool:
        return (200 <= response.status_code < 300 and response.status_code != 204
                and "Content-Encoding" not in response.headers
                and (response.mimetype or "") in COMPRESSIBLE
                and (response.content_length or len(response.get_data())) >= MIN_GZIP_BYTES)


def short_etag(body: bytes) -> str:
    # 72 bits: plenty for "did this user's answer change", and 26 bytes fewer than a SHA-1 on every answer
    return base64.urlsafe_b64encode(hashlib.blake2b(body, digest_size=9).digest()).decode()


def _conditional(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method in ("GET", "HEAD") and response.status_code == 200 and getattr(view, "siteroll_etag", False):
        tag = short_etag(response.get_data())
        response.set_etag(tag, weak=True)
        if request.if_none_match.contains_weak(tag):
            # werkzeug drops the body and the entity headers of a 304 when it sends it
            response.status_code = 304
            response.set_data(b"")
    return response


def register(app: Flask) -> None:
    app.after_request(_conditional)
    app.wsgi_app = Gzip(app.wsgi_app)  # type: ignore[method-assign]
