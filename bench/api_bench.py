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
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    HOST,
    ROOT,
    BenchError,
    Processes,
    free_port,
    http_call,
    log,
    random_keys,
    run_flask,
    sigterm_as_interrupt,
    wait_until_answers,
)
from bench.load import Result, drive  # noqa: E402

ME_PATH = "/api/v1/me"
BARE_PATH = "/bare"
LOGIN_PATH = "/api/v1/auth/login"
LOGIN_CODE = "fake:demo-admin"


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


def login(port: int) -> str:
    status, body = http_call(port, "POST", LOGIN_PATH, body={"code": LOGIN_CODE})
    if status != 200:
        raise BenchError(f"login failed: HTTP {status} {body[:500]!r}")
    token = json.loads(body).get("token")
    if not token:
        raise BenchError(f"login answered without a token: {body[:500]!r}")
    return str(token)


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
    for name, value in random_keys().items():
        env.setdefault(name, value)
    env.setdefault("SITEROLL_AUDIT_CHECKPOINT_PATH", str(tmp / "audit-checkpoints.log"))
    env["SITEROLL_DEMO"] = "1"  # seed-demo and its logins
    # the limiter stays on (its cost is part of the figures) with budgets a bench cannot reach
    huge = "1000000 per minute"
    env.setdefault("SITEROLL_RATE_LIMITS", json.dumps(
        {name: [huge, huge] for name in ("login", "join", "invitation", "pii", "face")}))
    return env


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
        for port, path, headers in targets:
            warm = drive(port, path, headers, args.warmup, args.concurrency, time.monotonic() + 30, stop_load)
            if warm.errors:
                log(f"warm-up of GET {path}: {warm.errors} errors, e.g. {warm.error_samples[:2]}")
        # Rounds alternate the two targets, so a neighbour's load on this shared machine falls on
        # both alike; the median of the per-round ratios is the figure to read.
        rounds: list[tuple[Result, Result]] = []
        share = args.time_limit / (len(targets) * args.rounds)  # an equal share each
        for number in range(1, args.rounds + 1):
            pair = []
            for port, path, headers in targets:
                log(f"round {number}: GET {path}: {args.requests} requests, concurrency {args.concurrency}")
                pair.append(drive(port, path, headers, args.requests, args.concurrency,
                                  time.monotonic() + share, stop_load))
            rounds.append((pair[0], pair[1]))
        results = [r for pair in rounds for r in pair]
        by_ratio = sorted(rounds, key=lambda pair: _ratio(pair[1].req_per_s, pair[0].req_per_s) or 0.0)
        me, bare = by_ratio[len(by_ratio) // 2]  # the median round
        ratios = [_ratio(b.req_per_s, m.req_per_s) or 0.0 for m, b in by_ratio]
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
            "rounds": args.rounds,
            "ratio_bare_over_me_req_per_s": ratios[len(ratios) // 2],
            "me_percent_of_bare_median": round(100 / ratios[len(ratios) // 2], 1) if ratios[len(ratios) // 2] else None,
            "ratio_bare_over_me_per_round": ratios,
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
    print(f"rounds {report['rounds']} (me, bare alternating); ratio req/s bare / me per round: "
          f"{', '.join(_fmt(r) for r in report['ratio_bare_over_me_per_round'])}")
    print(f"median ratio req/s bare / me: {_fmt(report['ratio_bare_over_me_req_per_s'])}x = me at "
          f"{report['me_percent_of_bare_median']} % of bare")
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
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds of both targets (3)")
    p.add_argument("--warmup", type=int, default=100, help="uncounted requests per target first (100)")
    p.add_argument("--time-limit", type=float, default=120.0,
                   help="seconds of load in all, split equally between the two targets (120)")
    p.add_argument("--database-url", help="use this database (e.g. MariaDB) instead of a temp SQLite file")
    p.add_argument("--redis-url", help="use this Redis (jobs via RQ)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (database, gunicorn logs)")
    args = p.parse_args(argv)
    for name in ("requests", "concurrency", "workers", "rounds"):
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
