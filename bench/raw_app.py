"""Raw reference endpoints for bench/clock_bench.py: the least a selfie upload and a clock-in can cost.

``gunicorn bench.raw_app:app`` with SITEROLL_DATABASE_URL (MariaDB) and SITEROLL_REDIS_URL set:

- ``POST /raw/selfie``: werkzeug multipart parse, the photo written to a file, one raw PyMySQL
  insert, one Redis (RQ) enqueue -> 202 ``{"id", "status": "pending"}``
- ``POST /raw/clock``: JSON parse, one raw insert, one enqueue -> 202 ``{"id", "status": "pending"}``

No ORM, no auth, no validation: the floor the real endpoints are compared with.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from pathlib import Path

import pymysql
from flask import Flask, request
from redis import Redis
from rq import Queue
from sqlalchemy.engine import make_url

app = Flask(__name__)
PHOTOS = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "raw-photos"
PHOTOS.mkdir(parents=True, exist_ok=True)
_conn: pymysql.connections.Connection | None = None
_queue: Queue | None = None


def conn() -> pymysql.connections.Connection:
    global _conn
    if _conn is None:
        url = make_url(os.environ["SITEROLL_DATABASE_URL"])
        _conn = pymysql.connect(host=url.host, port=url.port or 3306, user=url.username, password=url.password,
                                database=url.database, charset="utf8mb4", autocommit=False)
        with _conn.cursor() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        "kind VARCHAR(16) NOT NULL, body TEXT NOT NULL, created_at DATETIME(6) NOT NULL)")
        _conn.commit()
    return _conn


def queue() -> Queue:
    global _queue
    if _queue is None:
        _queue = Queue("bench-raw", connection=Redis.from_url(os.environ["SITEROLL_REDIS_URL"]))
    return _queue


def _store(kind: str, body: str) -> int:
    c = conn()
    with c.cursor() as cur:
        cur.execute("INSERT INTO bench_raw (kind, body, created_at) VALUES (%s, %s, UTC_TIMESTAMP(6))", (kind, body))
        row_id = int(cur.lastrowid)
    c.commit()
    queue().enqueue("bench.raw_app.never_run", row_id)
    return row_id


@app.post("/raw/selfie")
def selfie():
    upload = request.files["frames"]
    path = PHOTOS / f"{uuid.uuid4().hex}.jpg"
    upload.save(path)
    return {"id": _store("selfie", str(path)), "status": "pending"}, 202


@app.post("/raw/clock")
def clock():
    body = request.get_json()
    return {"id": _store("clock", json.dumps(body)), "status": "pending"}, 202


@app.get("/raw/ping")
def ping():
    return {"ok": True}
