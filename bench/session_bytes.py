"""Bytes on the air for one typical worker session, without and with the weak-signal measures.

Run from the repository root::

    .venv/bin/python bench/session_bytes.py            # prints a table
    .venv/bin/python bench/session_bytes.py --json
    .venv/bin/python bench/session_bytes.py --app-root ../main   # another checkout's app, as a baseline

The session, as the mini-program does it: log in, GET /me, grant the face consent, upload
one selfie for a face check, poll the result (three answers while pending, then the final
one) and GET /me again when the worker comes back to the home page.

* before: no ``Accept-Encoding``, no ``If-None-Match``, the photo as it is on disk
  (``../shared/faces/img1.jpg``, 758x1024 — smaller than a 12 MP camera original, so the
  photo saving shown here is a floor, not an estimate of the real one);
* after: ``Accept-Encoding: gzip``, the last ``ETag`` sent back as ``If-None-Match``, and the
  photo re-encoded as the guide asks (``wx.compressImage``: long side ≤ 1280 px, quality 80).

Counted per exchange: request line + the headers this client sets + body; status line +
every response header + body as sent (compressed when it is). TCP/TLS overhead is left out.
Runs the real app (embedded: SQLite in a temp dir, in-process jobs, the fake WeChat).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from PIL import Image
from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
PHOTO = Path(os.environ.get("SITEROLL_SHARED_DIR", ROOT.parent / "shared")) / "faces" / "img1.jpg"
PENDING_POLLS = 3


def compress_like_wx(data: bytes, long_side: int = 1280, quality: int = 80) -> bytes:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image.thumbnail((long_side, long_side))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _fresh(kw: dict) -> dict:
    """A copy whose file objects are unread (a builder closes the ones it encodes)."""
    data = kw.get("data")
    if not isinstance(data, dict):
        return dict(kw)
    files = {k: [(io.BytesIO(f.getvalue()), name) for f, name in v] for k, v in data.items() if isinstance(v, list)}
    return {**kw, "data": {**data, **files}}


class Meter:
    def __init__(self, client, optimised: bool) -> None:
        self.client, self.optimised = client, optimised
        self.rows: list[tuple[str, int, int, int]] = []
        self.etags: dict[str, str] = {}

    def call(self, label: str, method: str, url: str, headers: dict[str, str] | None = None, **kw):
        headers = dict(headers or {})
        if self.optimised:
            headers["Accept-Encoding"] = "gzip"
            if method == "GET" and url in self.etags:
                headers["If-None-Match"] = self.etags[url]
        builder = EnvironBuilder(path=url, method=method, headers=headers, **_fresh(kw))
        sent = len(f"{method} {url} HTTP/1.1\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in builder.headers.items())
        environ = builder.get_environ()
        sent += len(environ["wsgi.input"].read())
        builder.close()
        resp = self.client.open(url, method=method, headers=headers, **_fresh(kw))
        if "ETag" in resp.headers:
            self.etags[url] = resp.headers["ETag"]
        received = len(f"HTTP/1.1 {resp.status}\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in resp.headers.items())
        received += len(resp.get_data())
        self.rows.append((label, resp.status_code, sent, received))
        return resp


def run(optimised: bool, photo: bytes) -> list[tuple[str, int, int, int]]:
    from app import create_app
    try:
        from infra import jobs
    except ImportError:  # a checkout from before infra/ (--app-root, for a baseline)
        from services import jobs  # type: ignore[no-redef]
    from models import FaceCheck, db
    from models.base import utcnow

    tmp = tempfile.mkdtemp(prefix="siteroll-bytes-")
    app = create_app({"DEMO": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "JOBS_MODE": "inprocess",
                      "FACE_DEEPFACE_HOME": f"{tmp}/deepface"})
    with app.app_context():
        db.create_all()
    meter = Meter(app.test_client(), optimised)
    login = meter.call("POST /auth/login", "POST", "/api/v1/auth/login", json={"code": "fake:bench-worker"})
    auth = {"Authorization": f"Bearer {login.get_json()['token']}"}
    meter.call("GET /me", "GET", "/api/v1/me", auth)
    meter.call("POST /me/consents", "POST", "/api/v1/me/consents", {**auth, "Idempotency-Key": "bench-consent"},
               json={"kind": "biometric", "version": "v2"})
    upload = meter.call("POST /faces/checks", "POST", "/api/v1/faces/checks",
                        {**auth, "Idempotency-Key": "bench-check"},
                        data={"kind": "enroll", "frames": [(io.BytesIO(photo), "selfie.jpg")]})
    check = upload.get_json()
    with app.app_context():  # a pending check of the same user: the answer a poll gets while it runs
        pending = FaceCheck(user_id=db.session.get(FaceCheck, check["check_id"]).user_id, kind="enroll",
                            liveness_mode="passive", status="pending", created_at=utcnow())
        db.session.add(pending)
        db.session.commit()
        pending_url = f"/api/v1/faces/checks/{pending.id}"
    for _ in range(PENDING_POLLS):
        meter.call("GET poll (pending)", "GET", pending_url, auth)
    assert jobs.wait_idle(app, 600)
    meter.call("GET poll (result)", "GET", check["poll_url"].split("localhost", 1)[-1], auth)
    meter.call("GET /me (back home)", "GET", "/api/v1/me", auth)
    meter.call("GET /me (reopened later)", "GET", "/api/v1/me", auth)
    return meter.rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="checkout whose app to measure (e.g. an older commit's worktree, for a baseline)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.app_root.resolve()))
    raw = PHOTO.read_bytes()
    results = {"before": run(False, raw), "after": run(True, compress_like_wx(raw))}
    totals = {name: (sum(r[2] for r in rows), sum(r[3] for r in rows)) for name, rows in results.items()}
    if args.json:
        print(json.dumps({"rows": results, "totals": totals, "photo_bytes": [len(raw), len(compress_like_wx(raw))]}))
        return 0
    print(f"photo: {len(raw)} B on disk -> {len(compress_like_wx(raw))} B after ≤1280 px / q80")
    print(f"{'exchange':24} {'before: up / down (status)':>30} {'after: up / down (status)':>30}")
    for b, a in zip(results["before"], results["after"], strict=True):
        print(f"{b[0]:24} {b[2]:>12} / {b[3]:>7} ({b[1]}) {a[2]:>14} / {a[3]:>7} ({a[1]})")
    for name, (up, down) in totals.items():
        print(f"total {name:7} up {up:>8} B  down {down:>7} B  together {up + down:>8} B")
    (bu, bd), (au, ad) = totals["before"], totals["after"]
    print(f"JSON answers (down): {bd} -> {ad} B ({100 * (bd - ad) / bd:.0f}% less); "
          f"whole session: {bu + bd} -> {au + ad} B ({100 * (bu + bd - au - ad) / (bu + bd):.0f}% less)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
