"""The clock-in write path in one process: SQL statements and time per request, against the raw path.

    .venv/bin/python bench/clock_profile.py \\
        --database-url 'mysql+pymysql://siteroll:siteroll@127.0.0.1:3307/siteroll_profile?charset=utf8mb4' \\
        --redis-url redis://127.0.0.1:6380/9 [--requests 200] [--show]

No HTTP server and no concurrency: the Flask test client drives ``POST /api/v1/faces/checks`` and
``POST /api/v1/attendance/clocks`` as the signed demo worker, and ``bench/raw_app.py``'s two
routes in the same process. Per request it counts the statements SQLAlchemy sends (a
``before_cursor_execute`` listener: SAVEPOINT/RELEASE included), the commits, and this process's
CPU time per request (the database's work is not in it); ``--show``
prints one request's statements. The database is created, migrated and seeded (``seed-demo``,
which runs two real face checks) when it lacks the demo project, then reused; the Redis DB is
flushed at the end. Queued face jobs are not run: this is the accept path only.
Prints figures; no thresholds (bench/clock_bench.py is the gunicorn run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# fixed keys: the profile database is a bench's own and is reused between runs
KEYS = {"SECRET_KEY": "profile-secret", "PII_KEYS": "p1:" + "P" * 43 + "=", "BLIND_INDEX_KEY": "Q" * 43 + "=",
        "AUDIT_KEY": "profile-audit-key"}


class Counter:
    """Statements and commits on one engine while ``on``."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.on = False
        self.statements: list[str] = []
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, _conn, _cursor, statement, _params, _context, executemany) -> None:
        if self.on:
            self.statements.append(("[many] " if executemany else "") + " ".join(statement.split()))

    def _commit(self, _conn) -> None:
        if self.on:
            self.commits += 1

    def start(self) -> None:
        self.statements, self.commits, self.on = [], 0, True

    def stop(self) -> tuple[list[str], int]:
        self.on = False
        return self.statements, self.commits


def ensure_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    engine = create_engine(target.set(database=""))
    with engine.begin() as conn:
        conn.execute(text(f"CREATE DATABASE IF NOT EXISTS `{target.database}` CHARACTER SET utf8mb4"))
    engine.dispose()


def build_app(args: argparse.Namespace, tmp: Path):
    from app import create_app

    os.environ.setdefault("SITEROLL_SHARED_DIR", str(ROOT.parent / "shared"))
    huge = ("1000000 per minute", "1000000 per minute")
    return create_app({
        **KEYS, "SQLALCHEMY_DATABASE_URI": args.database_url, "REDIS_URL": args.redis_url, "JOBS_MODE": "rq",
        "DEMO": True, "WECHAT_API_BASE": "fake", "AUDIT_CHECKPOINT_PATH": str(tmp / "audit-checkpoints.log"),
        "FACE_DEEPFACE_HOME": str(tmp / "deepface"), "EMBEDDED_PERIODIC_JOBS": False,
        "RATE_LIMITS": {name: huge for name in ("login", "join", "invitation", "pii", "face")},
    })


def seeded_project(app) -> int:
    from sqlalchemy import select, text

    from models import Project, db
    from services.demo import JOIN_CODE

    with app.app_context():
        try:
            project_id = db.session.execute(select(Project.id).where(Project.join_code == JOIN_CODE)).scalar()
        except Exception:
            db.session.rollback()
            project_id = None
        if project_id is None:
            runner = app.test_cli_runner()
            for command in (["db", "upgrade"], ["seed-demo"]):
                result = runner.invoke(args=command)
                if result.exit_code != 0:
                    raise SystemExit(f"flask {' '.join(command)} failed: {result.output}\n{result.exception!r}")
            project_id = db.session.execute(select(Project.id).where(Project.join_code == JOIN_CODE)).scalar_one()
        # as bench/clock_bench.py: no merging, so every clock is a new record
        db.session.execute(text("INSERT IGNORE INTO attendance_rules (project_id, day_starts_minute, "
                                "full_day_minutes, half_day_minutes, late_upload_hours, merge_window_minutes, "
                                "updated_at) VALUES (:p, 0, 480, 240, 24, 0, UTC_TIMESTAMP(6))"), {"p": project_id})
        db.session.commit()
        return int(project_id)


def worker_token(app) -> str:
    from sqlalchemy import select

    from models import User, db
    from services.auth import issue_token

    with app.app_context():
        user = db.session.execute(select(User).where(User.openid == "demo-worker-signed")).scalar_one()
        return issue_token(user).token


def clock_body(project_id: int, check_id: int, i: int) -> dict[str, Any]:
    import random

    return {"project_id": project_id, "face_check_id": check_id,
            "lat": round(22.543096 + random.uniform(-5e-4, 5e-4), 7),
            "lng": round(114.057865 + random.uniform(-5e-4, 5e-4), 7), "accuracy_m": 15,
            "direction": "in" if i % 2 else "out", "taken_at": datetime.now(UTC).isoformat()}


def measure(label: str, n: int, call, counter: Counter | None, profile: bool = False) -> dict[str, Any]:
    times, counts, commits, sample = [], [], [], []
    cpu = time.process_time()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU: waiting for the database is not in it
        profiler.enable()
    for i in range(n):
        if counter:
            counter.start()
        t0 = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - t0)
        if counter:
            statements, committed = counter.stop()
            counts.append(len(statements))
            commits.append(committed)
            sample = statements
    if profiler is not None:
        import pstats

        profiler.disable()
        print(f"--- {label}: cProfile (process CPU time)")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(35)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    cpu_ms = (time.process_time() - cpu) * 1000 / n
    times.sort()
    return {"target": label, "requests": n, "cpu_ms": round(cpu_ms, 2), "mean_ms": round(statistics.fmean(times) * 1000, 2),
            "p50_ms": round(times[len(times) // 2] * 1000, 2), "p99_ms": round(times[int(len(times) * 0.99)] * 1000, 2),
            "statements": statistics.median(counts) if counts else None,
            "commits": statistics.median(commits) if commits else None, "sample": sample}


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    import tempfile

    from bench import raw_app
    from bench.clock_bench import BOUNDARY, multipart, selfie_jpeg
    from models import db

    ensure_database(args.database_url)
    tmp = Path(tempfile.mkdtemp(prefix="siteroll-clock-profile-"))
    app = build_app(args, tmp)
    project_id = seeded_project(app)
    token = worker_token(app)
    photo = selfie_jpeg()
    os.environ["SITEROLL_DATABASE_URL"], os.environ["SITEROLL_REDIS_URL"] = args.database_url, args.redis_url
    raw = raw_app.app.test_client()
    client = app.test_client()
    with app.app_context():
        counter = Counter(db.engine)
    auth = {"Authorization": f"Bearer {token}"}
    form = multipart({"kind": "clock", "project_id": str(project_id)}, photo)
    form_type = f"multipart/form-data; boundary={BOUNDARY}"
    checks: list[int] = []

    def selfie(_i: int) -> None:
        resp = client.post("/api/v1/faces/checks", data=form, headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
                           content_type=form_type)
        assert resp.status_code == 202, resp.get_data(as_text=True)
        checks.append(resp.get_json()["check_id"])

    def clock(i: int) -> None:
        resp = client.post("/api/v1/attendance/clocks", json=clock_body(project_id, checks.pop(), i),
                           headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
        assert resp.status_code == 202, resp.get_data(as_text=True)

    def raw_selfie(_i: int) -> None:
        assert raw.post("/raw/selfie", data=form, content_type=form_type).status_code == 202

    def raw_clock(i: int) -> None:
        assert raw.post("/raw/clock", data=json.dumps(clock_body(project_id, i, i)),
                        content_type="application/json").status_code == 202

    n = args.requests
    for call in (raw_selfie, selfie, raw_clock):  # warm-up: connections, imports, caches
        for i in range(5):
            call(i)
    for _ in range(5):
        clock(0)
    results = [measure("POST /raw/selfie", n, raw_selfie, None),
               measure("POST /api/v1/faces/checks", n, selfie, counter, args.cprofile == "selfie"),
               measure("POST /raw/clock", n, raw_clock, None),
               measure("POST /api/v1/attendance/clocks", n, clock, counter, args.cprofile == "clock")]
    from redis import Redis

    Redis.from_url(args.redis_url).flushdb()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="MariaDB (created and seeded when empty)")
    parser.add_argument("--redis-url", required=True, help="a Redis DB of your own (flushed)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--show", action="store_true", help="print one request's statements")
    parser.add_argument("--cprofile", choices=("selfie", "clock"), help="print a cProfile of one target")
    args = parser.parse_args(argv)
    results = run(args)
    print(f"{'target':<32} {'cpu ms':>7} {'mean ms':>8} {'p50 ms':>8} {'p99 ms':>8} {'stmts':>6} {'commits':>7}")
    for r in results:
        print(f"{r['target']:<32} {r['cpu_ms']:>7.2f} {r['mean_ms']:>8.2f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
              f"{r['statements'] if r['statements'] is not None else '':>6} {r['commits'] if r['commits'] is not None else '':>7}")
    raw_selfie, selfie, raw_clock, clock = results
    print(f"selfie / raw: {raw_selfie['mean_ms'] / selfie['mean_ms']:.2f}x by time, "
          f"{raw_selfie['cpu_ms'] / selfie['cpu_ms']:.2f}x by this process's CPU; "
          f"clock / raw: {raw_clock['mean_ms'] / clock['mean_ms']:.2f}x, {raw_clock['cpu_ms'] / clock['cpu_ms']:.2f}x")
    if args.show:
        for r in (selfie, clock):
            print(f"\n{r['target']}: {len(r['sample'])} statements")
            for s in r["sample"]:
                print("   ", s[:220])
    return 0


if __name__ == "__main__":
    sys.exit(main())
