"""One request, one transaction; Idempotency-Key replay; body sanity before any view runs."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid

from flask import Flask, Response, current_app, g, request
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import BadRequest

from blueprints.api import bearer_token
from blueprints.errors import error_answer, error_response
from models import db
from models.base import read_only_transactions
from services import auth, idempotency
from services.errors import DomainError

log = logging.getLogger(__name__)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
BODY_TYPES = {"application/json", "multipart/form-data"}


def _check_body() -> Response | None:
    if request.method not in WRITE_METHODS or not request.path.startswith("/api/"):
        return None
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"
    if not has_body:
        return None
    if request.mimetype not in BODY_TYPES:
        return error_answer("UNSUPPORTED_MEDIA_TYPE", {"content_type": request.mimetype})
    if request.mimetype == "application/json":
        return _check_json()
    return None


def _check_json() -> Response | None:
    """Parse the JSON body once, here (Flask caches it for the view), within its own size limit."""
    limit = current_app.config["JSON_MAX_BYTES"]
    if (request.content_length or 0) > limit or len(request.get_data(cache=True)) > limit:
        return error_response(413, "PAYLOAD_TOO_LARGE", "请求内容过大", {"max_bytes": limit})
    try:
        request.get_json(force=True)
    except BadRequest:
        return error_response(400, "INVALID_JSON", "请求体不是合法的 JSON")
    except RecursionError:
        # json nests by recursion: thousands of [[[[ would otherwise end as a 500
        return error_response(400, "JSON_TOO_DEEP", "请求体嵌套层级过深")
    return None


def _body_identity() -> bytes:
    """What makes two bodies 'the same request'. A resent multipart upload gets a new random
    boundary (and a new temp file name on the phone), so it is compared by fields and file bytes."""
    if request.mimetype != "multipart/form-data":
        return request.get_data(cache=True)
    fields = sorted((str(k), str(v)) for k, v in request.form.items(multi=True))
    parts = [f"{k}={v}".encode(errors="replace") for k, v in fields]
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        digest = hashlib.sha256(upload.stream.read()).hexdigest()
        upload.stream.seek(0)
        parts.append(f"{name}:{digest}".encode())
    return b"\n".join(parts)


def _claim_idempotency_key() -> Response | None:
    key = request.headers.get("Idempotency-Key")
    if key is None or request.method != "POST" or request.url_rule is None:
        return None  # an unknown path answers 404 without touching the table
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "siteroll_not_replayed", False):
        return None  # login: its answer is a fresh bearer token, never kept
    token = bearer_token()
    if token is None:
        return None  # the view answers 401
    try:
        # the full check (token version), so a token revoked by logout-all gets no stored answer
        user = auth.authenticate(token)
    except DomainError:
        return None
    g.siteroll_user = user
    fingerprint = idempotency.request_fingerprint(request.method, request.full_path, _body_identity())
    outcome = idempotency.claim(user.id, key, request.method, request.path, fingerprint,
                                current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    if isinstance(outcome, idempotency.StoredAnswer):
        resp = Response(_marked_replayed(outcome.body), status=outcome.status, mimetype="application/json")
        resp.headers["Idempotent-Replayed"] = "true"
        g.siteroll_replayed = True
        return resp
    g.siteroll_idempotency = outcome
    return None


def _marked_replayed(body: str) -> str:
    """An answer whose body has ``replayed`` (uploads: schemas.common.UploadAnswer) says true on replay:
    wx.uploadFile gives the phone the body, not the Idempotent-Replayed header."""
    if '"replayed"' not in body:
        return body
    try:
        answer = json.loads(body)
    except ValueError:
        return body
    if not isinstance(answer, dict) or "replayed" not in answer:
        return body
    answer["replayed"] = True
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"))


def _declare_read_only() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method in SAFE_METHODS and not getattr(view, "siteroll_writes", False):
        g.siteroll_read_only = read_only_transactions.set(True)


def _refuse_writes_in_reads(session, _flush_context, _instances) -> None:
    if read_only_transactions.get():
        raise RuntimeError("a read-only request tried to write: mark its route with @writes")


def register(app: Flask) -> None:
    if not event.contains(db.session, "before_flush", _refuse_writes_in_reads):
        event.listen(db.session, "before_flush", _refuse_writes_in_reads)

    @app.before_request
    def _before() -> Response | None:
        # echoed on every answer, so a worker's screenshot of an error can be found in the logs
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isalnum() else uuid.uuid4().hex
        _declare_read_only()
        return _check_body() or _claim_idempotency_key()

    @app.teardown_request
    def _teardown(_exc: BaseException | None) -> None:
        token = g.pop("siteroll_read_only", None)
        if token is not None:
            read_only_transactions.reset(token)

    @app.after_request
    def _after(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if request.path.startswith("/api/"):
            # every API answer is about its caller (names, phones, wages): no proxy or browser keeps it
            response.headers["Cache-Control"] = "no-store"
        if response.status_code >= 400 or g.get("siteroll_replayed"):
            db.session.rollback()
            return response
        record = g.pop("siteroll_idempotency", None)
        try:
            if record is not None:
                idempotency.store_answer(record, response.status_code, response.get_data())
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return error_answer("CONFLICT")
        except OperationalError:
            db.session.rollback()
            log.exception("commit failed")
            return error_answer("DATABASE_BUSY")
        return response
