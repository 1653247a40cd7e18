"""Burst: 50 clock-in selfies enqueued at once, 2 face workers (real RQ + Redis), time to drain.

    redis-server --port 6380 --daemonize yes --save ''
    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python bench/face_burst.py --redis-url redis://127.0.0.1:6380/15

Uses SITEROLL_DATABASE_URL if set (MariaDB), else a fresh SQLite file. The Redis database
given is flushed: point it at a scratch database number. Workers are the production ones:
``rq worker -w workers.worker.SiteRollWorker face``, models loaded once per process.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bench.harness import memory_mb, percentile, print_report, random_keys  # noqa: E402

# (enrollment photo, clock-in photos) per person, from ../shared/faces
PEOPLE = [
    ("img1.jpg", ["img2.jpg", "img4.jpg", "img5.jpg", "img6.jpg", "img7.jpg", "img10.jpg", "img11.jpg"]),
    ("img13.jpg", ["img14.jpg", "img15.jpg"]),
    ("img20.jpg", ["img21.jpg"]),
    ("img16.jpg", ["img17.jpg"]),
    ("img24.jpg", ["img25.jpg"]),
    ("img8.jpg", ["img9.jpg"]),
    ("img3.jpg", ["img12.jpg"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("SITEROLL_BURST_REDIS_URL", "redis://127.0.0.1:6380/15")
    )
    parser.add_argument("--checks", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="siteroll-burst-"))
    env = {
        "SITEROLL_DATABASE_URL": os.environ.get("SITEROLL_DATABASE_URL")
        or f"sqlite:///{scratch / 'burst.db'}",
        "SITEROLL_REDIS_URL": args.redis_url,
        **random_keys(),
        "SITEROLL_AUDIT_CHECKPOINT_PATH": str(scratch / "audit-checkpoints.log"),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    os.environ.update(env)

    from redis import Redis

    Redis.from_url(args.redis_url).flushdb()

    from app import create_app
    from models import FaceCheck, Membership, Role, User, db
    from services.consents import grant_consent
    from services.faces import checks
    from services.faces.weights import seed_weights, shared_dir, use_project_deepface_home

    use_project_deepface_home()  # sets DEEPFACE_HOME, inherited by the workers
    seed_weights()
    faces = shared_dir() / "faces"
    app = create_app()
    with app.app_context():
        db.create_all()

    logs = [open(scratch / f"worker{i}.log", "wb") for i in range(args.workers)]  # noqa: SIM115
    t_start = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                str(ROOT / ".venv/bin/rq"),
                "worker",
                "-w",
                "workers.worker.SiteRollWorker",
                "-u",
                args.redis_url,
                "--name",
                f"burst-face-{i}-{os.getpid()}",
                "face",
            ],
            cwd=ROOT,
            env={**os.environ},
            stdout=logs[i],
            stderr=subprocess.STDOUT,
        )
        for i in range(args.workers)
    ]
    report: dict[str, Any] = {}
    try:
        from rq import Worker

        with app.app_context():
            conn = Redis.from_url(args.redis_url)
            while len(Worker.all(connection=conn)) < args.workers:  # registered = models loaded
                if any(w.poll() is not None for w in workers):
                    raise SystemExit(f"a worker died while starting; see {scratch}")
                time.sleep(0.2)
            report["worker_start_s"] = round(time.perf_counter() - t_start, 1)

            def wait_done(ids: list[int], timeout: float = 600) -> None:
                deadline = time.monotonic() + timeout
                while True:
                    pending = FaceCheck.id.in_(ids) & (FaceCheck.status == "pending")
                    left = db.session.query(FaceCheck).filter(pending).count()
                    db.session.rollback()  # end the read: on SQLite every transaction holds the write lock
                    if left == 0:
                        return
                    if time.monotonic() > deadline:
                        raise SystemExit("burst did not drain in time")
                    time.sleep(0.1)

            # clock-ins name their project: one site, every burst user an active worker of it
            from services import org

            admin = User(openid=f"burst-admin-{secrets.token_hex(4)}")
            db.session.add(admin)
            db.session.flush()
            company = org.create_company(admin.id, "基准测试建设", "91440300279569123Q")
            project = org.create_project(
                admin.id, name="基准项目", address="深圳", general_contractor_id=company.id,
                wage_account_bank="银行", wage_account_no="6222020200112233445",
                geofence={"type": "circle", "center": {"lat": 22.5, "lng": 114.0}, "radius_m": 300})
            users = []
            for enroll_photo, clock_photos in PEOPLE:
                user = User(openid=f"burst-{secrets.token_hex(4)}", display_name=enroll_photo)
                db.session.add(user)
                db.session.flush()
                grant_consent(user.id, "biometric", "v2")
                db.session.add(Membership(project_id=project.id, user_id=user.id, role=Role.WORKER.value))
                check = checks.start_face_check(user.id, "enroll", [(faces / enroll_photo).read_bytes()])
                users.append((user.id, check.id, clock_photos))
            db.session.commit()
            wait_done([c for _, c, _ in users])

            plan = []  # round-robin over the people, each through their own clock-in photos
            for i in range(args.checks):
                uid, _, photos = users[i % len(users)]
                plan.append((uid, photos[(i // len(users)) % len(photos)]))
            blobs = {name: (faces / name).read_bytes() for _, name in plan}
            t0 = time.perf_counter()
            ids = [checks.start_face_check(uid, "clock", [blobs[name]], project_id=project.id).id
                   for uid, name in plan]
            db.session.commit()  # all 50 jobs are handed to RQ here, at once
            t_enqueued = time.perf_counter()
            wait_done(ids)
            t_drained = time.perf_counter()

            done = db.session.query(FaceCheck).filter(FaceCheck.id.in_(ids)).all()
            latency = [(c.finished_at - c.created_at).total_seconds() * 1000 for c in done]
            statuses: dict[str, int] = {}
            for c in done:
                key = c.status if c.status == "passed" else f"{c.status}:{c.reason_code}"
                statuses[key] = statuses.get(key, 0) + 1
            report.update(
                checks=len(ids),
                workers=args.workers,
                enqueue_s=round(t_enqueued - t0, 2),
                drain_s=round(t_drained - t0, 2),
                checks_per_s=round(len(ids) / (t_drained - t0), 2),
                queue_to_result_ms={
                    "p50": round(percentile(latency, 50)),
                    "p95": round(percentile(latency, 95)),
                    "max": round(max(latency)),
                },
                job_ms_mean=round(statistics.fmean(c.timings["total"] for c in done if c.timings), 1),
                statuses=statuses,
                worker_memory_mb=[memory_mb(w.pid) for w in workers],
                database=env["SITEROLL_DATABASE_URL"].split(":")[0],
            )
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        for f in logs:
            f.close()
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
