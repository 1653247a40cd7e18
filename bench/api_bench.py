"""Throughput of the real app under gunicorn, against a bare Flask app on the same machine.

Run from the repository root::

    .venv/bin/python bench/api_bench.py                  # fresh SQLite in a temp dir, 2 workers
    .venv/bin/python bench/api_bench.py --workers 4 --requests 5000 --concurrency 16
    .venv/bin/python bench/api_bench.py --json           # one JSON object on stdout
    .venv/bin/python bench/api_bench.py --database-url mysql+pymysql://u:p@127.0.0.1/siteroll \\
        --redis-url redis://127.0.0.1:6379/0             # an existing MariaDB/Redis instead

(``python -m bench.api_bench`` from the root works too.)

One run:

1. makes a temp dir holding everything the run writes (SQLite file, keys in the
   environment, shared/deepface dirs, gunicorn logs) and removes it at the end
   (``--keep-tmp`` keeps it); runs ``flask --app app db upgrade`` and ``seed-demo``;
2. starts ``python -m devtools.fake_wechat`` as its own process, so every gunicorn
   worker talks to the same fake WeChat;
3. starts gunicorn (sync workers) for ``app:app`` and for ``bench.bare_app:app``,
   each on a free 127.0.0.1 port, and waits until both answer;
4. logs in once as ``fake:demo-admin``;
5. drives ``--requests`` requests per target (after a short uncounted warm-up) from
   ``--concurrency`` threads, each with its own ``http.client`` connection, and
   prints requests, errors, req/s, p50 and p99 for ``GET /api/v1/me`` (bearer)
   and ``GET /bare``, plus the ratio. The load stops after ``--time-limit`` seconds in all
   (120, half per target) even if not every request was sent.

Everything listens on loopback only. No thresholds: it prints figures. The exit status
is 1 when any request failed, 2 when the time limit cut the run short or setup failed.
Every process it started is stopped on the way out, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
ME_PATH = "/api/v1/me"
BARE_PATH = "/bare"
LOGIN_PATH = "/api/v1/auth/login"
LOGIN_CODE = "fake:demo-admin"
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
REQUEST_TIMEOUT_S = 10.0
MAX_ERROR_SAMPLES = 5


class BenchError(RuntimeError):
    """Setup failed (migration, seeding, a server that never answered, login)."""


# --- processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    started: float = field(default_factory=time.monotonic)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Processes:
    """The servers this run started; each in its own session so stop() can end the whole group."""

    def __init__(self, log_dir: Path, env: Mapping[str, str]) -> None:
        self.log_dir = log_dir
        self.env = dict(env)
        self.procs: list[Proc] = []

    def start(self, name: str, argv: list[str]) -> Proc:
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C goes to us only; we stop the servers in order
            )
        proc = Proc(name, popen, log_path)
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            _stop(proc.popen)
        self.procs.clear()


def _stop(popen: subprocess.Popen[bytes]) -> None:
    """SIGTERM the leader (gunicorn shuts its workers down), then SIGKILL whatever is left of its group."""
    pgid = popen.pid  # start_new_session: the leader's pid is the group id
    if popen.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            popen.send_signal(signal.SIGTERM)
        try:
            popen.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            popen.wait(timeout=STOP_TIMEOUT_S)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:  # workers leave shortly after their master
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def run_flask(args: list[str], env: Mapping[str, str]) -> str:
    argv = [sys.executable, "-m", "flask", "--app", "app", *args]
    done = subprocess.run(argv, cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise BenchError(f"`flask --app app {' '.join(args)}` exited {done.returncode}:\n"
                         f"{done.stdout}{done.stderr}")
    return done.stdout


def gunicorn_argv(target: str, port: int, workers: int, tmp: Path) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", target,
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--worker-tmp-dir", str(tmp),
        "--chdir", str(ROOT),
        "--timeout", "60",
        "--graceful-timeout", "5",
        "--log-level", "info",
        # gunicorn >= 24 otherwise opens ~/.gunicorn/gunicorn.ctl, one path shared by both masters
        "--no-control-socket",
    ]


# --- HTTP -----------------------------------------------------------------------------------------


def http_call(port: int, method: str, path: str, body: Any = None,
              headers: Mapping[str, str] | None = None, timeout: float = REQUEST_TIMEOUT_S) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        raw = None if body is None else json.dumps(body).encode()
        hdrs = dict(headers or {})
        if raw is not None:
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=raw, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_until_answers(proc: Proc, port: int, path: str, timeout: float = STARTUP_TIMEOUT_S) -> float:
    """Poll until the server answers 2xx/3xx; seconds since it was started. Fails fast if it died."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise BenchError(f"{proc.name} exited with {proc.popen.returncode} before answering:\n"
                             f"{proc.log_tail()}")
        try:
            status, body = http_call(port, "GET", path, timeout=2)
            if status < 400:
                return time.monotonic() - proc.started
            last = f"HTTP {status}: {body[:300]!r}"
        except OSError as exc:
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.1)
    raise BenchError(f"{proc.name} did not answer GET {path} within {timeout:.0f}s ({last}):\n{proc.log_tail()}")


def login(port: int) -> str:
    status, body = http_call(port, "POST", LOGIN_PATH, body={"code": LOGIN_CODE})
    if status != 200:
        raise BenchError(f"login failed: HTTP {status} {body[:500]!r}")
    token = json.loads(body).get("token")
    if not token:
        raise BenchError(f"login answered without a token: {body[:500]!r}")
    return str(token)


# --- load -----------------------------------------------------------------------------------------


@dataclass
class Result:
    target: str
    requests: int
    errors: int
    seconds: float
    req_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    client_cpu_s: float = 0.0  # CPU the bench process itself used; near `seconds` means client-bound
    aborted: bool = False
    error_samples: list[str] = field(default_factory=list)


class _Counter:
    def __init__(self, limit: int) -> None:
        self._next = 0
        self._limit = limit
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._next >= self._limit:
                return False
            self._next += 1
            return True


def percentile_ms(sorted_values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of an already sorted list of seconds, in ms; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return round(sorted_values[rank - 1] * 1000, 2)


def drive(port: int, path: str, headers: Mapping[str, str], total: int, concurrency: int,
          deadline: float, stop: threading.Event) -> Result:
    """``total`` GETs from ``concurrency`` threads, one keep-alive connection each, until done, the
    deadline, or ``stop`` (set when the run is interrupted)."""
    counter = _Counter(total)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    samples: list[str] = []
    hdrs = dict(headers)

    def worker() -> None:
        nonlocal errors
        mine: list[float] = []
        my_errors = 0
        my_samples: list[str] = []
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        try:
            while not stop.is_set() and time.monotonic() < deadline and counter.take():
                t0 = time.perf_counter()
                problem: str | None = None
                try:
                    conn.request("GET", path, headers=hdrs)
                    resp = conn.getresponse()
                    body = resp.read()
                    if resp.status != 200:
                        problem = f"HTTP {resp.status}: {body[:200]!r}"
                except (OSError, http.client.HTTPException) as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                    conn.close()  # the next request reconnects
                mine.append(time.perf_counter() - t0)
                if problem is not None:
                    my_errors += 1
                    if len(my_samples) < MAX_ERROR_SAMPLES and problem not in my_samples:
                        my_samples.append(problem)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                errors += my_errors
                for sample in my_samples:
                    if sample not in samples and len(samples) < MAX_ERROR_SAMPLES:
                        samples.append(sample)

    threads = [threading.Thread(target=worker, name=f"bench-{i}", daemon=True) for i in range(concurrency)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    latencies.sort()
    done = len(latencies)
    return Result(
        target=f"GET {path}", requests=done, errors=errors, seconds=round(seconds, 3),
        req_per_s=round(done / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=percentile_ms(latencies, 50), p99_ms=percentile_ms(latencies, 99),
        client_cpu_s=round(cpu, 3), aborted=done < total, error_samples=samples,
    )


# --- the run --------------------------------------------------------------------------------------


def bench_env(tmp: Path, database_url: str | None, redis_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "SITEROLL_DATABASE_URL": database_url or f"sqlite:///{tmp / 'bench.db'}",
        "SITEROLL_SHARED_DIR": str(tmp / "shared"),
        "DEEPFACE_HOME": str(tmp / "deepface"),
        "TMPDIR": str(tmp),
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    if redis_url:
        env["SITEROLL_REDIS_URL"] = redis_url
    else:
        env.pop("SITEROLL_REDIS_URL", None)
        env.pop("SITEROLL_JOBS", None)
    # Keys in the environment, so nothing is generated into the repository's instance folder.
    # An existing database keeps whatever keys the caller exported.
    env.setdefault("SITEROLL_SECRET_KEY", secrets.token_urlsafe(32))
    env.setdefault("SITEROLL_PII_KEYS", "k1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    env.setdefault("SITEROLL_BLIND_INDEX_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    env.setdefault("SITEROLL_AUDIT_KEY", secrets.token_urlsafe(32))
    env.setdefault("SITEROLL_AUDIT_CHECKPOINT_PATH", str(tmp / "audit-checkpoints.log"))
    env["SITEROLL_DEMO"] = "1"  # seed-demo and its logins
    # the limiter stays on (its cost is part of the figures) with budgets a bench cannot reach
    huge = "1000000 per minute"
    env.setdefault("SITEROLL_RATE_LIMITS", json.dumps(
        {name: [huge, huge] for name in ("login", "join", "invitation", "pii", "face")}))
    return env


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """A SIGTERM to the bench unwinds like Ctrl-C, so the finally blocks stop the servers."""
    def handler(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="siteroll-bench-"))
    procs: Processes | None = None
    stop_load = threading.Event()
    try:
        wechat_port = free_port()
        env = bench_env(tmp, args.database_url, args.redis_url)
        env["SITEROLL_WECHAT_API_BASE"] = f"http://{HOST}:{wechat_port}/"  # one fake for every worker
        env.setdefault("SITEROLL_WECHAT_APPID", "wx-bench")
        env.setdefault("SITEROLL_WECHAT_SECRET", "bench-secret")
        procs = Processes(tmp, env)

        wechat = procs.start("fake_wechat", [sys.executable, "-m", "devtools.fake_wechat", "--port", str(wechat_port)])
        wait_until_answers(wechat, wechat_port, "/__fake__/calls")
        log(f"tmp dir {tmp}; fake WeChat on {HOST}:{wechat_port}")

        log("flask db upgrade")
        run_flask(["db", "upgrade"], env)
        log("flask seed-demo")
        run_flask(["seed-demo"], env)

        app_port, bare_port = free_port(), free_port()
        app_proc = procs.start("gunicorn_app", gunicorn_argv("app:app", app_port, args.workers, tmp))
        bare_proc = procs.start("gunicorn_bare", gunicorn_argv("bench.bare_app:app", bare_port, args.workers, tmp))
        app_boot = wait_until_answers(app_proc, app_port, "/healthz")
        bare_boot = wait_until_answers(bare_proc, bare_port, BARE_PATH)
        # The workers of each master fork together and load the app in about the same time; the first
        # answer means one of them is up, so give the others as long again before measuring.
        time.sleep(min(max(app_boot, bare_boot), 10.0))
        log(f"gunicorn app:app on {HOST}:{app_port}, bench.bare_app:app on {HOST}:{bare_port}, "
            f"{args.workers} sync workers each (first answers after {app_boot:.1f}s / {bare_boot:.1f}s)")

        token = login(app_port)
        targets = [
            (app_port, ME_PATH, {"Authorization": f"Bearer {token}"}),
            (bare_port, BARE_PATH, {}),
        ]
        results: list[Result] = []
        for port, path, headers in targets:
            deadline = time.monotonic() + args.time_limit / len(targets)  # an equal share each
            warm = drive(port, path, headers, args.warmup, args.concurrency, deadline, stop_load)
            if warm.errors:
                log(f"warm-up of GET {path}: {warm.errors} errors, e.g. {warm.error_samples[:2]}")
            log(f"GET {path}: {args.requests} requests, concurrency {args.concurrency}")
            results.append(drive(port, path, headers, args.requests, args.concurrency, deadline, stop_load))

        me, bare = results
        return {
            "workers": args.workers,
            "worker_class": "sync",
            "concurrency": args.concurrency,
            "requests_per_target": args.requests,
            "warmup_per_target": args.warmup,
            "database": "sqlite (temp)" if not args.database_url else args.database_url.split(":", 1)[0],
            "redis": bool(args.redis_url),
            "cpus": os.cpu_count(),
            "results": [asdict(r) for r in results],
            "ratio_bare_over_me_req_per_s": _ratio(bare.req_per_s, me.req_per_s),
            "ratio_me_over_bare_p50": _ratio(me.p50_ms, bare.p50_ms),
        }
    finally:
        stop_load.set()  # client threads left running by an interrupt stop before their servers do
        if procs is not None:
            procs.stop_all()
        if args.keep_tmp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_table(report: dict[str, Any]) -> None:
    cols = ("target", "requests", "errors", "req/s", "p50 ms", "p99 ms", "wall s", "client cpu s")
    rows = [(r["target"], str(r["requests"]), str(r["errors"]), f"{r['req_per_s']:.1f}",
             _fmt(r["p50_ms"]), _fmt(r["p99_ms"]), f"{r['seconds']:.2f}", f"{r['client_cpu_s']:.2f}")
            for r in report["results"]]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    print(f"gunicorn {report['workers']} {report['worker_class']} workers, concurrency {report['concurrency']}, "
          f"database {report['database']}, {report['cpus']} CPUs")
    print(fmt.format(*cols))
    print(fmt.format(*("-" * w for w in widths)))
    for row in rows:
        print(fmt.format(*row))
    print(f"ratio req/s bare / me: {_fmt(report['ratio_bare_over_me_req_per_s'])}x; "
          f"p50 me / bare: {_fmt(report['ratio_me_over_bare_p50'])}x")
    for r in report["results"]:
        if r["aborted"]:
            print(f"{r['target']}: time limit reached after {r['requests']} requests")
        for sample in r["error_samples"]:
            print(f"{r['target']} error: {sample}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=2000, help="measured requests per target (2000)")
    p.add_argument("--concurrency", type=int, default=8, help="client threads, one connection each (8)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server (2)")
    p.add_argument("--warmup", type=int, default=100, help="uncounted requests per target first (100)")
    p.add_argument("--time-limit", type=float, default=120.0,
                   help="seconds of load in all, split equally between the two targets (120)")
    p.add_argument("--database-url", help="use this database (e.g. MariaDB) instead of a temp SQLite file")
    p.add_argument("--redis-url", help="use this Redis (jobs via RQ)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (database, gunicorn logs)")
    args = p.parse_args(argv)
    for name in ("requests", "concurrency", "workers"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    if args.warmup < 0 or args.time_limit <= 0:
        p.error("--warmup must be >= 0 and --time-limit > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        with sigterm_as_interrupt():
            report = run(args)
    except BenchError as exc:
        log(f"setup failed: {exc}")
        return 2
    except KeyboardInterrupt:
        log("interrupted; servers stopped")
        return 130
    if args.json:
        print(json.dumps(report, ensure_ascii=False, allow_nan=False))
    else:
        print_table(report)
    results = report["results"]
    if any(r["errors"] for r in results):
        return 1
    return 2 if any(r["aborted"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
