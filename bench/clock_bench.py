"""Clock-in at the site gate: accept throughput and latency against raw references, and the time
from upload to a decided clock with 2 face workers.

    .venv/bin/python bench/clock_bench.py \\
        --database-url 'mysql+pymysql://siteroll:siteroll@127.0.0.1:3307/siteroll_bench?charset=utf8mb4' \\
        --redis-url redis://127.0.0.1:6380/6 [--requests 1500] [--concurrency 16] [--workers 4] [--json]

The database is migrated and seeded (``seed-demo``: the signed demo worker clocks in); the Redis
DB is flushed at the start and the end (use one of your own). gunicorn (sync workers) serves
``app:app`` and ``bench.raw_app:app`` on loopback; 16 threads with one keep-alive connection each:

1. ``POST /api/v1/faces/checks`` (a 640 px JPEG of ~39 KB, kind ``clock``) vs ``POST /raw/selfie``
   (werkzeug multipart parse + photo file + one raw PyMySQL insert + RQ enqueue);
2. ``POST /api/v1/attendance/clocks`` (each with its own selfie from step 1 and Idempotency-Key)
   vs ``POST /raw/clock`` (JSON parse + one raw insert + enqueue);
3. the face queue emptied, 2 real face workers (``rq worker -w workers.worker.SiteRollWorker``)
   started and warm, then 50 clock-ins (selfie + clock) sent at once: from the selfie's arrival
   (``face_checks.created_at``) to the decided clock (``attendance_clocks.decided_at``), p50/p95/max;
   then ``flask audit verify`` holds the chain all of them appended to against its checkpoints.

``GET /api/v1/me`` against bare JSON is bench/api_bench.py (run it with and without --database-url).
Prints figures; no thresholds. Every process it starts is stopped on the way out.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.api_bench import bench_env, gunicorn_argv  # noqa: E402
from bench.harness import (  # noqa: E402
    HOST,
    REQUEST_TIMEOUT_S,
    BenchError,
    Processes,
    free_port,
    http_call,
    log,
    run_flask,
    sigterm_as_interrupt,
    wait_until_answers,
)
from bench.load import Result, percentile_ms  # noqa: E402

BOUNDARY = "siteroll-bench-boundary"
Request = tuple[str, bytes, dict[str, str]]  # path, body, headers (POST)


def selfie_jpeg(target_kb: int = 39) -> bytes:
    """A real face (the demo worker's person, img2) at 640 px, JPEG quality picked for ~39 KB."""
    from PIL import Image

    from services.faces.weights import shared_dir

    with Image.open(shared_dir() / "faces" / "img2.jpg") as im:
        im = im.convert("RGB")
        im.thumbnail((640, 640))
        best = b""
        for quality in range(95, 20, -5):
            out = io.BytesIO()
            im.save(out, "JPEG", quality=quality)
            best = out.getvalue()
            if len(best) <= target_kb * 1024:
                break
        return best


def multipart(fields: dict[str, str], photo: bytes) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="frames"; filename="selfie.jpg"\r\n'
                 f"Content-Type: image/jpeg\r\n\r\n".encode() + photo + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def drive_posts(port: int, label: str, make: Callable[[int], Request], total: int, concurrency: int,
                deadline: float, on_answer: Callable[[dict], None] | None = None) -> Result:
    """``total`` POSTs from ``concurrency`` threads (one keep-alive connection each)."""
    lock = threading.Lock()
    counter = iter(range(total))
    latencies: list[float] = []
    errors: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        mine: list[float] = []
        try:
            while time.monotonic() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                path, body, headers = make(i)
                t0 = time.perf_counter()
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    if resp.status != 202:
                        with lock:
                            errors.append(f"HTTP {resp.status}: {data[:200]!r}")
                    elif on_answer is not None:
                        on_answer(json.loads(data))
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    conn.close()
                mine.append(time.perf_counter() - t0)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started, cpu = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return Result(target=label, requests=len(latencies), errors=len(errors), seconds=round(seconds, 3),
                  req_per_s=round(len(latencies) / seconds, 1) if seconds else 0.0,
                  p50_ms=percentile_ms(latencies, 50), p99_ms=percentile_ms(latencies, 99),
                  client_cpu_s=round(time.process_time() - cpu, 3), aborted=len(latencies) < total,
                  error_samples=sorted(set(errors))[:5])


def post_raw(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request("POST", path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def login(port: int, code: str) -> str:
    status, body = http_call(port, "POST", "/api/v1/auth/login", body={"code": code})
    if status != 200:
        raise BenchError(f"login {code} failed: HTTP {status} {body[:300]!r}")
    return str(json.loads(body)["token"])


class Bench:
    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args, self.tmp = args, tmp
        self.env = bench_env(tmp, args.database_url, args.redis_url)
        # the demo worker enrolls from the shared photos; face workers seed their weights from there
        self.env["SITEROLL_SHARED_DIR"] = os.environ.get("SITEROLL_SHARED_DIR", str(ROOT.parent / "shared"))
        self.procs = Processes(tmp, self.env)
        self.photo = selfie_jpeg()
        self.check_ids: list[int] = []
        self.lock = threading.Lock()

    def flush_redis(self) -> None:
        from redis import Redis

        Redis.from_url(self.args.redis_url).flushdb()

    def setup(self) -> None:
        wechat_port = free_port()
        self.env["SITEROLL_WECHAT_API_BASE"] = f"http://{HOST}:{wechat_port}/"
        self.env.setdefault("SITEROLL_WECHAT_APPID", "wx-bench")
        self.env.setdefault("SITEROLL_WECHAT_SECRET", "bench-secret")
        self.procs.env = dict(self.env)
        wechat = self.procs.start("fake_wechat", [sys.executable, "-m", "devtools.fake_wechat", "--port",
                                                  str(wechat_port)])
        wait_until_answers(wechat, wechat_port, "/__fake__/calls")
        self.flush_redis()
        log("flask db upgrade; seed-demo")
        run_flask(["db", "upgrade"], self.env)
        out = run_flask(["seed-demo"], self.env)
        self.project_id = int(re.search(r"demo project (\d+)", out).group(1))
        self._sql("INSERT IGNORE INTO attendance_rules (project_id, day_starts_minute, full_day_minutes, "
                  "half_day_minutes, late_upload_hours, merge_window_minutes, updated_at) "
                  "VALUES (:p, 0, 480, 240, 24, 0, UTC_TIMESTAMP(6))", p=self.project_id)
        self.app_port, self.raw_port = free_port(), free_port()
        app = self.procs.start("gunicorn_app", gunicorn_argv("app:app", self.app_port, self.args.workers, self.tmp))
        raw = self.procs.start("gunicorn_raw", gunicorn_argv("bench.raw_app:app", self.raw_port, self.args.workers,
                                                             self.tmp))
        boot = max(wait_until_answers(app, self.app_port, "/healthz"),
                   wait_until_answers(raw, self.raw_port, "/raw/ping"))
        time.sleep(min(boot, 10.0))
        self.token = login(self.app_port, "fake:demo-worker-signed")
        gate = http_call(self.app_port, "GET", f"/api/v1/me/projects/{self.project_id}/gate",
                         headers={"Authorization": f"Bearer {self.token}"})[1]
        if not json.loads(gate).get("may_clock_in"):
            raise BenchError(f"the demo worker may not clock in: {gate[:300]!r}")

    def _sql(self, statement: str, **params: Any) -> list[Any]:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.args.database_url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()

    # -- requests

    def auth(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def selfie(self, _i: int) -> Request:
        body = multipart({"kind": "clock", "project_id": str(self.project_id)}, self.photo)
        return "/api/v1/faces/checks", body, self.auth(**{"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})

    def raw_selfie(self, _i: int) -> Request:
        body = multipart({"kind": "clock", "project_id": str(self.project_id)}, self.photo)
        return "/raw/selfie", body, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}

    def clock_body(self, i: int, check_id: int) -> bytes:
        return json.dumps({"project_id": self.project_id, "face_check_id": check_id, "lat": round(22.543096 + random.uniform(-5e-4, 5e-4), 7),
                           "lng": round(114.057865 + random.uniform(-5e-4, 5e-4), 7), "accuracy_m": 15, "direction": "in" if i % 2 else "out",
                           "taken_at": datetime.now(UTC).isoformat()}).encode()

    def clock(self, i: int) -> Request:
        with self.lock:
            check_id = self.check_ids.pop()
        return "/api/v1/attendance/clocks", self.clock_body(i, check_id), self.auth(
            **{"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})

    def raw_clock(self, i: int) -> Request:
        return "/raw/clock", self.clock_body(i, i), {"Content-Type": "application/json"}

    def keep_check(self, answer: dict) -> None:
        with self.lock:
            self.check_ids.append(int(answer["check_id"]))

    # -- phases

    def accept_phase(self) -> list[Result]:
        a, n, c = self.args, self.args.requests, self.args.concurrency
        results = []
        for label, port, make, keep in (
                ("POST /raw/selfie", self.raw_port, self.raw_selfie, None),
                ("POST /api/v1/faces/checks", self.app_port, self.selfie, self.keep_check),
                ("POST /raw/clock", self.raw_port, self.raw_clock, None),
                ("POST /api/v1/attendance/clocks", self.app_port, self.clock, None)):
            total = min(n, len(self.check_ids)) if make == self.clock else n
            drive_posts(port, label + " (warm-up)", make, min(a.warmup, total // 4), c, time.monotonic() + 60,
                        keep)
            if make == self.clock:
                total = len(self.check_ids)
            log(f"{label}: {total} requests, concurrency {c}")
            results.append(drive_posts(port, label, make, total, c, time.monotonic() + a.time_limit, keep))
        return results

    def burst(self, count: int) -> tuple[list[int], list[str]]:
        """``count`` phones at once, each uploading its selfie and posting its clock right after."""
        ids: list[int] = []
        errors: list[str] = []
        todo = iter(range(count))

        def phone() -> None:
            while (i := next(todo, None)) is not None:
                path, body, headers = self.selfie(i)
                status, data = post_raw(self.app_port, path, body, headers)
                if status != 202:
                    errors.append(f"selfie HTTP {status}: {data[:200]!r}")
                    continue
                check_id = int(json.loads(data)["check_id"])
                status, data = post_raw(self.app_port, "/api/v1/attendance/clocks", self.clock_body(i, check_id),
                                        self.auth(**{"Content-Type": "application/json",
                                                     "Idempotency-Key": uuid.uuid4().hex}))
                if status != 202:
                    errors.append(f"clock HTTP {status}: {data[:200]!r}")
                ids.append(check_id)

        threads = [threading.Thread(target=phone, daemon=True) for _ in range(self.args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return ids, errors[:5]

    def audit_verify(self) -> str:
        """The chain after all of the above (web workers and face workers appending at once)."""
        try:
            return run_flask(["audit", "verify"], self.env).strip().splitlines()[0]
        except BenchError as exc:
            return f"BROKEN: {exc}"

    def decided_phase(self, count: int = 50, face_workers: int = 2) -> dict[str, Any]:
        from redis import Redis
        from rq import Queue, Worker

        redis = Redis.from_url(self.args.redis_url)
        Queue("face", connection=redis).empty()  # the accept phase's selfies: nobody waits for them
        names = [f"bench-face-{i}-{uuid.uuid4().hex[:6]}" for i in range(face_workers)]
        for name in names:
            self.procs.start(name, [sys.executable, "-m", "rq.cli", "worker", "-w", "workers.worker.SiteRollWorker",
                                    "--with-scheduler", "-u", self.args.redis_url, "--name", name, "face",
                                    "default"])
        t0 = time.monotonic()
        while set(names) - {w.name for w in Worker.all(connection=redis)}:
            if time.monotonic() - t0 > 180:
                raise BenchError("face workers did not start")
            time.sleep(0.2)
        started = time.monotonic() - t0
        time.sleep(2)  # both warm (models loaded before registering)
        ids, errors = self.burst(count)
        deadline = time.monotonic() + 180
        rows: list[Any] = []
        while time.monotonic() < deadline:
            rows = self._sql("SELECT c.status, TIMESTAMPDIFF(MICROSECOND, f.created_at, c.decided_at) "
                             "FROM attendance_clocks c JOIN face_checks f ON f.id = c.face_check_id "
                             f"WHERE c.face_check_id IN ({','.join(map(str, ids)) or '0'})")
            if rows and all(r[1] is not None for r in rows):
                break
            time.sleep(0.5)
        delays = sorted(r[1] / 1e6 for r in rows if r[1] is not None)
        statuses: dict[str, int] = {}
        for r in rows:
            statuses[r[0]] = statuses.get(r[0], 0) + 1
        return {"face_workers": face_workers, "clocks": len(rows), "decided": len(delays),
                "worker_start_s": round(started, 1), "errors": errors,
                "statuses": statuses, "p50_s": percentile_ms(delays, 50) and percentile_ms(delays, 50) / 1000,
                "p95_s": percentile_ms(delays, 95) and percentile_ms(delays, 95) / 1000,
                "max_s": round(delays[-1], 3) if delays else None}


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="siteroll-clock-bench-"))
    bench = Bench(args, tmp)
    try:
        bench.setup()
        results = bench.accept_phase()
        raw_selfie, selfie, raw_clock, clock = results
        decided = bench.decided_phase()
        return {
            "workers": args.workers, "concurrency": args.concurrency, "photo_bytes": len(bench.photo),
            "results": [asdict(r) for r in results],
            "selfie_vs_raw": round(selfie.req_per_s / raw_selfie.req_per_s, 2) if raw_selfie.req_per_s else None,
            "clock_vs_raw": round(clock.req_per_s / raw_clock.req_per_s, 2) if raw_clock.req_per_s else None,
            "decided": decided, "audit": bench.audit_verify(),
        }
    finally:
        bench.procs.stop_all()
        try:
            bench.flush_redis()
        except Exception as exc:  # the figures matter more than the cleanup
            log(f"could not flush Redis: {exc}")
        if args.keep_tmp:
            log(f"kept {tmp} (server and worker logs in it)")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def print_report(report: dict[str, Any]) -> None:
    print(f"gunicorn {report['workers']} sync workers, concurrency {report['concurrency']}, "
          f"selfie {report['photo_bytes']} bytes")
    print(f"{'target':<34} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for r in report["results"]:
        print(f"{r['target']:<34} {r['requests']:>8} {r['errors']:>6} {r['req_per_s']:>8.1f} "
              f"{r['p50_ms'] or 0:>8.2f} {r['p99_ms'] or 0:>8.2f}")
        for sample in r["error_samples"]:
            print(f"    e.g. {sample}")
    print(f"selfie / raw: {report['selfie_vs_raw']}x; clock / raw: {report['clock_vs_raw']}x")
    print(f"upload -> decided clock: {json.dumps(report['decided'], ensure_ascii=False)}")
    print(report["audit"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="MariaDB (the bench migrates and seeds it)")
    parser.add_argument("--redis-url", required=True, help="a Redis DB of your own (flushed)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per target")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temp dir with the servers' and workers' logs")
    args = parser.parse_args(argv)
    with sigterm_as_interrupt():
        try:
            report = run(args)
        except BenchError as exc:
            log(str(exc))
            return 2
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
