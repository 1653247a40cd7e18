"""Object store: selfie upload accept with the photo in database LONGTEXT (today's main), in the
folder store and in S3 (Ceph RADOS Gateway); then the database size before and after moving the
demo's blobs plus N synthetic photos out of it.

    .venv/bin/python bench/storage_bench.py \\
        --server-url 'mysql+pymysql://siteroll:siteroll@127.0.0.1:3307/?charset=utf8mb4' --prefix siteroll_bench_28 \\
        --redis-url redis://127.0.0.1:6380/6 --s3-endpoint http://127.0.0.1:7480 \\
        [--requests 300] [--concurrency 16] [--workers 2] [--photos 10000] [--main /work/main]

1. Accept: gunicorn (sync) serves ``app:app``; 16 threads with one keep-alive connection each post
   the same ~39 KB JPEG to ``POST /api/v1/faces/checks`` (kind ``clock``, the seeded demo worker).
   ``db``: the code of ``--main`` (frames as AES-GCM base64 in ``face_evidence.photo_enc``);
   ``folder`` / ``s3``: this tree (object written first, a ``stored_objects`` row). No face worker
   runs: the figure is the request alone.
2. Size: a database migrated and seeded by ``--main``'s code (blobs in columns), plus ``--photos``
   synthetic ~39 KB photos in ``face_evidence.photo_enc``; ``flask storage migrate`` (folder
   store); ``flask db upgrade`` (drops the emptied columns); ``OPTIMIZE TABLE``. Sizes from
   information_schema (after ANALYZE) and the .ibd files when the data directory is readable.

Databases ``<prefix>_db``, ``<prefix>_obj`` and ``<prefix>_size`` are dropped and recreated; the
Redis DB is flushed. Prints figures; no thresholds. Every process it starts is stopped.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.api_bench import bench_env, gunicorn_argv  # noqa: E402
from bench.clock_bench import BOUNDARY, drive_posts, login, multipart, selfie_jpeg  # noqa: E402
from bench.harness import HOST, BenchError, Processes, free_port, log, wait_until_answers  # noqa: E402

DATADIR = Path(os.environ.get("SITEROLL_SERVICES_DIR", "/tmp/siteroll-services")) / "mysql-data"


def flask(args: list[str], env: dict[str, str], tree: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise BenchError(f"flask {' '.join(args)} ({tree}) exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def sql(url: str, statement: str, **params: Any) -> list[Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def fresh_database(server_url: str, name: str) -> str:
    sql(server_url, f"DROP DATABASE IF EXISTS `{name}`")
    sql(server_url, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    return server_url.replace("/?", f"/{name}?")


def db_size(url: str, name: str) -> dict[str, Any]:
    tables = [r[0] for r in sql(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = :s",
                                s=name)]
    for table in tables:
        sql(url, f"ANALYZE TABLE `{table}`")
    row = sql(url, "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = :s",
              s=name)[0]
    files = sum(p.stat().st_size for p in (DATADIR / name).glob("*.ibd")) if (DATADIR / name).is_dir() else None
    return {"information_schema_mb": round(int(row[0] or 0) / 2**20, 1),
            "ibd_files_mb": None if files is None else round(files / 2**20, 1)}


class Accept:
    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args, self.tmp, self.photo = args, tmp, selfie_jpeg()

    def run(self, label: str, tree: Path, url: str, storage: dict[str, str]) -> dict[str, Any]:
        env = bench_env(self.tmp, url, self.args.redis_url)
        env["SITEROLL_SHARED_DIR"] = os.environ.get("SITEROLL_SHARED_DIR", str(ROOT.parent / "shared"))
        env.update(storage)
        procs = Processes(self.tmp, env)
        try:
            wechat_port = free_port()
            env.update({"SITEROLL_WECHAT_API_BASE": f"http://{HOST}:{wechat_port}/",
                        "SITEROLL_WECHAT_APPID": "wx-bench", "SITEROLL_WECHAT_SECRET": "bench-secret"})
            procs.env = dict(env)
            wechat = procs.start(f"wechat-{label}", [sys.executable, "-m", "devtools.fake_wechat", "--port",
                                                     str(wechat_port)])
            wait_until_answers(wechat, wechat_port, "/__fake__/calls")
            from redis import Redis

            Redis.from_url(self.args.redis_url).flushdb()
            if not sql(url, "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() "
                            "AND table_name = 'users'"):
                log(f"{label}: db upgrade + seed-demo ({tree})")
                flask(["db", "upgrade"], env, tree)
                out = flask(["seed-demo"], env, tree)
                self.project_id = int(re.search(r"demo project (\d+)", out).group(1))
                sql(url, "INSERT IGNORE INTO attendance_rules (project_id, day_starts_minute, full_day_minutes, "
                         "half_day_minutes, late_upload_hours, merge_window_minutes, updated_at) "
                         "VALUES (:p, 0, 480, 240, 24, 0, UTC_TIMESTAMP(6))", p=self.project_id)
            if tree == ROOT:
                flask(["storage", "init"], env, tree)
            port = free_port()
            argv = gunicorn_argv("app:app", port, self.args.workers, self.tmp)
            argv[argv.index("--chdir") + 1] = str(tree)
            server = procs.start(f"gunicorn-{label}", argv)
            wait_until_answers(server, port, "/healthz")
            time.sleep(2)
            token = login(port, "fake:demo-worker-signed")
            body = multipart({"kind": "clock", "project_id": str(self.project_id)}, self.photo)
            headers = {"Authorization": f"Bearer {token}",
                       "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
            c = self.args.concurrency
            drive_posts(port, "warm-up", lambda _i: ("/api/v1/faces/checks", body, headers), 32, c,
                        time.monotonic() + 60)
            log(f"{label}: {self.args.requests} uploads, concurrency {c}")
            result = drive_posts(port, f"POST /api/v1/faces/checks [{label}]",
                                 lambda _i: ("/api/v1/faces/checks", body, headers), self.args.requests, c,
                                 time.monotonic() + 120)
            return {"target": result.target, "requests": result.requests, "errors": result.errors,
                    "req_per_s": result.req_per_s, "p50_ms": result.p50_ms, "p99_ms": result.p99_ms,
                    "error_samples": result.error_samples}
        finally:
            procs.stop_all()


def synthetic_photos(url: str, keys: dict[str, str], count: int, photo: bytes) -> None:
    """``count`` photos as the old code stored them: services/pii.py's v1 format, one check."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kid, _, b64 = keys["SITEROLL_PII_KEYS"].split(",")[0].partition(":")
    aead = AESGCM(base64.b64decode(b64))
    check_id = sql(url, "SELECT MIN(id) FROM face_checks")[0][0]
    for start in range(0, count, 250):
        rows = []
        for i in range(start, min(count, start + 250)):
            data = photo[:-8] + i.to_bytes(8, "big")  # distinct photos of the same size
            nonce = os.urandom(12)
            token = f"v1.{kid}.{base64.b64encode(nonce + aead.encrypt(nonce, data, f'face_evidence:{check_id}'.encode())).decode()}"
            rows.append({"c": check_id, "i": i + 10, "p": token, "s": "0" * 64, "n": len(data)})
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO face_evidence (check_id, frame_index, photo_enc, sha256, size_bytes, "
                              "created_at) VALUES (:c, :i, :p, :s, :n, UTC_TIMESTAMP(6))"), rows)
        engine.dispose()


def size_phase(args: argparse.Namespace, tmp: Path, photo: bytes) -> dict[str, Any]:
    name = f"{args.prefix}_size"
    url = fresh_database(args.server_url, name)
    env = bench_env(tmp, url, None)
    env.update({"SITEROLL_STORAGE_DIR": str(tmp / "size-objects"), "SITEROLL_WECHAT_API_BASE": "fake"})
    env["SITEROLL_SHARED_DIR"] = os.environ.get("SITEROLL_SHARED_DIR", str(ROOT.parent / "shared"))
    log("size: main's code migrates and seeds (blobs in columns)")
    flask(["db", "upgrade"], env, args.main)
    flask(["seed-demo"], env, args.main)
    flask(["db", "upgrade", "0028_object_store"], env, ROOT)
    demo_blobs = sql(url, "SELECT (SELECT COUNT(*) FROM face_evidence WHERE photo_enc IS NOT NULL) + "
                          "(SELECT COUNT(*) FROM contracts WHERE signature_enc IS NOT NULL) + "
                          "(SELECT COUNT(*) FROM payroll_lines WHERE signature_enc IS NOT NULL)")[0][0]
    log(f"size: {args.photos} synthetic photos")
    synthetic_photos(url, env, args.photos, photo)
    before = db_size(url, name)
    t0 = time.monotonic()
    out = flask(["storage", "migrate", "--batch-size", "500"], env, ROOT)
    migrate_s = round(time.monotonic() - t0, 1)
    after_migrate = db_size(url, name)
    flask(["db", "upgrade"], env, ROOT)
    after_drop = db_size(url, name)
    for table in ("face_evidence", "contracts", "payroll_lines"):
        sql(url, f"OPTIMIZE TABLE `{table}`")
    after_optimize = db_size(url, name)
    objects_mb = round(sum(p.stat().st_size for p in (tmp / "size-objects").rglob("*") if p.is_file()) / 2**20, 1)
    verify = flask(["storage", "verify", "--sample", "500"], env, ROOT).strip().splitlines()[-1]
    sql(args.server_url, f"DROP DATABASE IF EXISTS `{name}`")
    return {"demo_blobs": demo_blobs, "synthetic_photos": args.photos, "photo_bytes": len(photo),
            "before": before, "after_migrate": after_migrate, "after_drop_columns": after_drop,
            "after_optimize": after_optimize, "migrate_seconds": migrate_s, "migrate_report": out.strip().splitlines()[0],
            "objects_folder_mb": objects_mb, "verify_sample": json.loads(verify)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="siteroll-storage-bench-"))
    try:
        accept = Accept(args, tmp)
        results = []
        if not args.skip_accept:
            db_url = fresh_database(args.server_url, f"{args.prefix}_db")
            results.append(accept.run("db", args.main, db_url, {}))
            obj_url = fresh_database(args.server_url, f"{args.prefix}_obj")
            results.append(accept.run("folder", ROOT, obj_url, {"SITEROLL_STORAGE_DIR": str(tmp / "objects")}))
            if args.s3_endpoint:
                results.append(accept.run("s3", ROOT, obj_url, {
                    "SITEROLL_STORAGE_BACKEND": "s3", "SITEROLL_S3_ENDPOINT": args.s3_endpoint,
                    "SITEROLL_S3_BUCKET": f"bench-{int(time.time())}",
                    "SITEROLL_S3_ACCESS_KEY": args.s3_access_key, "SITEROLL_S3_SECRET_KEY": args.s3_secret_key}))
            for name in ("db", "obj"):
                sql(args.server_url, f"DROP DATABASE IF EXISTS `{args.prefix}_{name}`")
        size = None if args.photos < 0 else size_phase(args, tmp, accept.photo)
        return {"workers": args.workers, "concurrency": args.concurrency, "photo_bytes": len(accept.photo),
                "accept": results, "size": size}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server-url", required=True, help="MariaDB server URL with '/?' and no database")
    p.add_argument("--prefix", default="siteroll_storage_bench")
    p.add_argument("--redis-url", required=True, help="a Redis DB of your own (flushed)")
    p.add_argument("--s3-endpoint")
    p.add_argument("--s3-access-key", default="siteroll-test-access")
    p.add_argument("--s3-secret-key", default="siteroll-test-secret")
    p.add_argument("--main", type=Path, default=ROOT.parent / "main", help="a checkout of the code before 0028")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--photos", type=int, default=10000, help="synthetic photos for the size phase (-1: skip)")
    p.add_argument("--skip-accept", action="store_true")
    args = p.parse_args(argv)
    report = run(args)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
