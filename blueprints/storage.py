"""The folder backend's signed links (``store().signed_url`` there): served by the app.

A link names the object key, an expiry and an HMAC of both; it needs no bearer token, like an S3
presigned GET, and answers the stored bytes (the store only ever holds ciphertext), streamed.
Not in the OpenAPI document: clients follow links they were given, they never build them.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, request

from services.settings import settings
from services.storage.backends import KEY_RE, ObjectMissing, link_valid
from services.storage.store import store

bp = Blueprint("storage", __name__)


@bp.get("/api/v1/objects/<path:key>")
def get_object(key: str) -> Response:
    try:
        expires = int(request.args.get("expires", ""))
    except ValueError:
        abort(403)
    signature = request.args.get("signature", "")
    if not KEY_RE.match(key) or not link_valid(settings().storage.url_key, key, expires, signature):
        abort(403)  # expired, altered, or another object's link: S3 answers 403 too
    try:
        chunks = store().open(key)
    except ObjectMissing:
        abort(404)
    return Response(chunks, mimetype="application/octet-stream", headers={"Cache-Control": "private, no-store"})


def register(app: Flask) -> None:
    app.register_blueprint(bp)
