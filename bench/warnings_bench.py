"""Warning computation at scale: 200 projects x 500 workers x 90 days on MariaDB.

    SITEROLL_BENCH_DATABASE_URL='mysql+pymysql://siteroll:siteroll@127.0.0.1:3307/siteroll_bench?charset=utf8mb4' \\
        .venv/bin/python bench/warnings_bench.py [--projects 200 --workers 500 --days 90] [--reuse]

Loads the data (unless --reuse), then runs ``refresh_warnings`` for every project in a fresh
process and prints its wall time, peak RSS and the warnings found per rule. Goal: < 60 s, < 500 MB.
The load drops and recreates every table of that database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TODAY = date(2026, 11, 20)
CHUNK = 5000
TEAMS_PER_PROJECT = 10


def make_app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_MODE": "inprocess", "SECRET_KEY": "bench",
                       "PII_KEYS": "b1:" + "A" * 43 + "=", "BLIND_INDEX_KEY": "B" * 43 + "=",
                       "AUDIT_KEY": "bench-audit-key"})


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=UTC).replace(tzinfo=None)


class Loader:
    def __init__(self, conn) -> None:
        self.conn = conn
        self.cur = conn.cursor()
        self.rows = 0

    def insert(self, table: str, columns: tuple[str, ...], rows) -> None:
        t0, before = time.perf_counter(), self.rows
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                self.cur.executemany(sql, chunk)
                self.rows += len(chunk)
                chunk = []
        if chunk:
            self.cur.executemany(sql, chunk)
            self.rows += len(chunk)
        self.conn.commit()
        print(f"  {table}: {self.rows - before:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)


def load(url: str, projects: int, workers: int, days: int) -> None:
    from models import db

    app = make_app(url)
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        print(f"  schema created in {time.perf_counter() - started:.1f} s", flush=True)
        raw = db.engine.raw_connection()
    conn = raw.driver_connection
    conn.cursor().execute("SET FOREIGN_KEY_CHECKS=0")
    conn.cursor().execute("SET UNIQUE_CHECKS=0")
    ld = Loader(conn)
    now = at(TODAY, 9)
    per_team = workers // TEAMS_PER_PROJECT
    n_users = projects * (workers + TEAMS_PER_PROJECT)
    ld.insert("users", ("id", "openid", "display_name", "token_version", "created_at"),
              ((i, f"bench-{i}", None, 0, now) for i in range(1, n_users + 1)))
    ld.insert("companies", ("id", "name", "uscc", "verified", "created_at"),
              ((c, f"公司{c}", f"9144030000000{c:05d}", True, now) for c in range(1, projects // 10 + 2)))
    ld.insert("projects", ("id", "name", "address", "join_code", "wage_account_bank", "wage_account_no_enc",
                           "wage_account_no_masked", "geofence", "liveness_mode", "created_at"),
              ((p, f"项目{p}", "深圳", f"B{p:05d}", "银行", "x", "x", "{}", "passive", now) for p in range(1, projects + 1)))
    ld.insert("project_companies", ("project_id", "company_id", "role", "created_at"),
              ((p, p // 10 + 1, "general_contractor", now) for p in range(1, projects + 1)))

    def team_id(p: int, t: int) -> int:
        return (p - 1) * TEAMS_PER_PROJECT + t + 1

    def leader_id(p: int, t: int) -> int:
        return projects * workers + team_id(p, t)

    def worker_id(p: int, w: int) -> int:
        return (p - 1) * workers + w + 1

    ld.insert("teams", ("id", "project_id", "company_id", "name", "leader_user_id", "default_day_wage_fen", "created_at"),
              ((team_id(p, t), p, None, f"班组{t}", leader_id(p, t), 35000, now)
               for p in range(1, projects + 1) for t in range(TEAMS_PER_PROJECT)))
    joined = at(TODAY - timedelta(days=days + 10), 9)
    ld.insert("memberships", ("project_id", "user_id", "role", "team_id", "status", "created_at"),
              ((p, worker_id(p, w), "worker", team_id(p, w // per_team), "active", joined)
               for p in range(1, projects + 1) for w in range(workers)))
    ld.insert("contracts", ("project_id", "user_id", "membership_id", "team_id", "status", "title", "body_enc",
                            "employer_name", "worker_name_masked", "trade", "wage_type", "wage_amount_fen", "pay_day",
                            "term_start", "signed_at", "created_at", "kind"),
              ((p, worker_id(p, w), (p - 1) * workers + w + 1, team_id(p, w // per_team), "signed", "合同", "x", "公司",
                "张*", "钢筋工", "day", 35000, 15, TODAY - timedelta(days=days + 10), joined, joined, "labour_contract")
               for p in range(1, projects + 1) for w in range(workers) if w % 40 != 7))  # 2.5% never signed
    ld.insert("trainings", ("project_id", "user_id", "level", "minutes", "trained_on", "recorded_by", "created_at"),
              ((p, worker_id(p, w), level, 1200, TODAY - timedelta(days=days + 9), 1, now)
               for p in range(1, projects + 1) for w in range(workers) if w % 50 != 11
               for level in ("company", "project", "team")))
    start = TODAY - timedelta(days=days)

    # generated inside MariaDB (a join with its sequence table): millions of rows without a round trip each.
    # Per worker w of a project: 10% of days off; w % 100 == 3 stopped 15 days ago (long absence);
    # w % 200 == 5 moves team every 30 days (team hopping); in every 7th project one team's leader
    # corrects 30% of days, the others 1%.
    per = f"((m.user_id - 1) % {workers})"
    team_of = f"({per} DIV {per_team})"
    day = f"DATE_ADD('{start.isoformat()}', INTERVAL s.seq DAY)"
    confirmed = f"({day} < '{(TODAY - timedelta(days=2)).isoformat()}')"
    corrected = (f"({confirmed} AND ((m.project_id % 7 = 0 AND {team_of} = m.project_id % {TEAMS_PER_PROJECT} AND "
                 f"(m.user_id * 13 + s.seq * 7) % 10 < 3) OR (m.user_id * 7 + s.seq * 11) % 100 = 0))")
    sql = f"""INSERT INTO attendance_days (project_id, user_id, team_id, business_date, first_in, last_out, status,
        worked_minutes, computed_status, computed_worked_minutes, flags, corrected, confirmed_at, confirmed_by, updated_at)
        SELECT m.project_id, m.user_id,
          CASE WHEN {per} % 200 = 5 THEN (m.project_id - 1) * {TEAMS_PER_PROJECT} + 1
               + ({team_of} + s.seq DIV 30) % {TEAMS_PER_PROJECT} ELSE m.team_id END,
          {day}, TIMESTAMP({day}, '00:00:00'), TIMESTAMP({day}, '09:00:00'), 'present', 480, 'present', 480, '[]',
          {corrected}, IF({confirmed}, TIMESTAMP({day}, '12:00:00'), NULL),
          IF({confirmed}, {projects * workers} + m.team_id, NULL), '{now.isoformat()}'
        FROM memberships m JOIN seq_0_to_{days - 1} s
        WHERE m.role = 'worker' AND m.project_id BETWEEN {{first}} AND {{last}}
          AND NOT ({per} % 100 = 3 AND {day} > '{(TODAY - timedelta(days=15)).isoformat()}')
          AND (m.user_id * 31 + s.seq * 17) % 10 <> 0"""
    t0 = time.perf_counter()
    cur = conn.cursor()
    step = 10
    for first in range(1, projects + 1, step):
        cur.execute(sql.format(first=first, last=first + step - 1))  # no parameters: % is SQL's modulo
        conn.commit()
        print(f"  attendance_days: projects {first}-{min(first + step - 1, projects)} "
              f"at {time.perf_counter() - t0:.0f} s", flush=True)
    cur.execute("SELECT COUNT(*) FROM attendance_days")
    ld.rows += cur.fetchone()[0]
    cur.execute("INSERT INTO attendance_corrections (day_id, from_status, from_worked_minutes, to_status, "
                "to_worked_minutes, reason, corrected_by, created_at) SELECT id, 'absent', 0, status, worked_minutes, "
                "'补录', confirmed_by, updated_at FROM attendance_days WHERE corrected = 1")
    conn.commit()

    def clock_rows():
        for p in range(1, projects + 1):
            for w in range(0, workers, 97):  # a few workers with accumulated fraud flags
                for k in range(4):
                    d = TODAY - timedelta(days=k + 1)
                    yield (p, worker_id(p, w), team_id(p, w // per_team), "in", "face", at(d, 8), at(d, 8), d, 22.5,
                           114.0, 10, "flagged", '["REPEATED_COORDINATES"]', None, 0, now)
            owner = worker_id(p, 0)
            for w in (1, 2):  # two accounts matched one person's face
                d = TODAY - timedelta(days=3)
                yield (p, worker_id(p, w), team_id(p, 0), "in", "face", at(d, 8), at(d, 8), d, 22.5, 114.0, 10,
                       "rejected", "[]", owner, 0, now)

    ld.insert("attendance_clocks", ("project_id", "user_id", "team_id", "direction", "source", "taken_at",
                                    "received_at", "business_date", "lat", "lng", "accuracy_m", "status", "flags",
                                    "buddy_user_id", "merged_count", "created_at"), clock_rows())
    conn.cursor().execute("ANALYZE TABLE attendance_days, attendance_clocks, memberships, contracts, trainings")
    raw.close()
    print(f"loaded {ld.rows:,} rows")


def compute(url: str) -> None:
    from models import db
    from services.oversight import warnings

    app = make_app(url)
    with app.app_context():
        db.create_all()  # --reuse on a database loaded by an older schema: add the tables it lacks
        db.session.execute(db.text("DELETE FROM oversight_warnings"))
        db.session.commit()
        t0 = time.perf_counter()
        totals = warnings.refresh_warnings(today=TODAY)
        db.session.commit()
        elapsed = time.perf_counter() - t0
        by_rule = dict(db.session.execute(db.text(
            "SELECT rule, COUNT(*) FROM oversight_warnings GROUP BY rule")).all())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(elapsed, 1), "peak_rss_mb": round(peak_mb), "totals": totals,
                      "by_rule": by_rule}, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--workers", type=int, default=500)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--reuse", action="store_true", help="skip loading: the database already holds the data")
    parser.add_argument("--compute-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("SITEROLL_BENCH_DATABASE_URL")
    if not url or not url.startswith("mysql"):
        sys.exit("set SITEROLL_BENCH_DATABASE_URL to a MariaDB database (its tables are dropped and recreated)")
    if args.compute_only:
        compute(url)
        return
    if not args.reuse:
        t0 = time.perf_counter()
        load(url, args.projects, args.workers, args.days)
        print(f"load took {time.perf_counter() - t0:.0f} s")
    # a fresh process, so peak RSS is the computation's own
    subprocess.run([sys.executable, __file__, "--compute-only"], check=True)


if __name__ == "__main__":
    main()
