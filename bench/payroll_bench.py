"""Payroll at scale: a synthetic project of N workers × D confirmed days on MariaDB (or SQLite);
time to build the draft, issue the slips, submit (every slip confirmed), approve, generate the bank
file (and the wage sheet), and peak memory. Targets (issue 25): build < 5 s and < 300 MB, issuing
10,000 slips < 5 s.

Run from the repository root::

    .venv/bin/python bench/payroll_bench.py \\
        --database-url 'mysql+pymysql://siteroll:siteroll@127.0.0.1:3307/siteroll_t18?charset=utf8mb4'
    .venv/bin/python bench/payroll_bench.py --workers 2000 --days 20 --json
    .venv/bin/python bench/payroll_bench.py --database-url sqlite:////tmp/payroll-bench.db   # SQLite

The run uses its own database, ``<name>_payroll_bench`` next to the given one (dropped and
created again; the given database is not touched). The synthetic data (users, memberships,
encrypted profiles, signed contracts, confirmed attendance days, a few deductions) goes in with
bulk inserts; then each step runs as a request would (service call, then commit) and prints
wall time and the process's peak RSS so far. The bank file and the wage sheet are consumed
as a response would stream them. No thresholds: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_database(url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":  # a file of its own, made anew
        Path(parsed.database).unlink(missing_ok=True)
        return url
    name = f"{parsed.database}_payroll_bench"
    server = create_engine(parsed.set(database=""))
    with server.begin() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def bench_month(days: int) -> str:
    """The latest past month with at least ``days`` days."""
    from services.days import business_day

    first = business_day().replace(day=1)
    while True:
        first = (first - timedelta(days=1)).replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        if (nxt - first).days >= days:
            return f"{first.year:04d}-{first.month:02d}"


def chunks(rows: list[dict], size: int = 5000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def seed(n_workers: int, n_days: int, month: str) -> dict[str, int]:
    from sqlalchemy import insert, select

    from models import AttendanceDay, Contract, Membership, Role, User, WorkerProfile, db
    from models.base import utcnow
    from models.payroll import PayrollDeduction
    from services import org, pii

    now = utcnow()
    staff = {name: User(openid=f"bench-{name}", display_name=name) for name in ("admin", "labour", "approver",
                                                                               "leader")}
    db.session.add_all(staff.values())
    db.session.flush()
    company = org.create_company(staff["admin"].id, "压测建设集团", "91440300279569123Q")
    project = org.create_project(staff["admin"].id, name="压测项目", address="深圳市", general_contractor_id=company.id,
                                 wage_account_bank="测试银行", wage_account_no="6222020200112233445",
                                 geofence={"type": "circle", "center": {"lat": 22.5, "lng": 114.0}, "radius_m": 300})
    team = org.create_team(staff["admin"].id, project.id, name="钢筋班", default_day_wage_fen=35000)
    for who, role in (("labour", Role.LABOUR_MANAGER), ("approver", Role.PAYROLL_APPROVER)):
        db.session.add(Membership(project_id=project.id, user_id=staff[who].id, role=role.value))
    db.session.flush()
    first_user = max(u.id for u in staff.values()) + 1
    user_ids = list(range(first_user, first_user + n_workers))
    for part in chunks([{"id": uid, "openid": f"bench-w{uid}", "display_name": None, "created_at": now}
                        for uid in user_ids]):
        db.session.execute(insert(User), part)
    for part in chunks([{"id": uid, "project_id": project.id, "user_id": uid, "role": "worker", "team_id": team.id,
                         "status": "active", "created_at": now} for uid in user_ids]):
        db.session.execute(insert(Membership), part)

    membership_of = dict(db.session.execute(select(Membership.user_id, Membership.id).where(
        Membership.project_id == project.id, Membership.role == "worker")).all())

    def enc(value: str, field: str, profile_id: int) -> str:
        return pii.encrypt_str(value, context=pii.row_context("worker_profiles", f"{field}_enc", profile_id))

    profiles = [{"id": uid, "user_id": uid, "name_enc": enc(f"工人{uid}", "name", uid), "name_masked": "工**",
                 "id_number_enc": enc("110105199001010011", "id_number", uid), "id_number_masked": "1101****0011",
                 "id_number_bidx": f"bench-{uid}", "sex": "male", "birth_date_enc": enc("1990-01-01", "birth_date", uid),
                 "birth_year": 1990, "bank_card_enc": enc(f"6222{uid:015d}", "bank_card", uid),
                 "bank_card_last4": f"{uid % 10000:04d}", "bank_name": "中国建设银行", "trade": "钢筋工",
                 "created_at": now, "updated_at": now} for uid in user_ids]
    for part in chunks(profiles):
        db.session.execute(insert(WorkerProfile), part)
    body = pii.encrypt_str("合同正文", context="bench")
    types = ("day", "day", "day", "piece", "month")
    for part in chunks([{"project_id": project.id, "user_id": uid, "membership_id": membership_of[uid],
                         "team_id": team.id, "status": "signed", "title": "劳动合同", "body_enc": body,
                         "employer_name": "压测建设集团", "worker_name_masked": "工**", "trade": "钢筋工",
                         "wage_type": types[uid % 5], "wage_amount_fen": 650000 if uid % 5 == 4 else 35000 + uid % 7,
                         "pay_day": 15, "term_start": date(2020, 1, 1), "created_at": now, "signed_at": now}
                        for uid in user_ids]):
        db.session.execute(insert(Contract), part)
    start = date.fromisoformat(f"{month}-01")
    days = []
    for d in range(n_days):
        day = start + timedelta(days=d)
        for uid in user_ids:
            status = "half" if (uid + d) % 11 == 0 else "present"
            minutes = 240 if status == "half" else (600 if (uid + d) % 13 == 0 else 480)
            days.append({"project_id": project.id, "user_id": uid, "team_id": team.id, "business_date": day,
                         "status": status, "worked_minutes": minutes, "computed_status": status,
                         "computed_worked_minutes": minutes, "flags": [], "corrected": False, "confirmed_at": now,
                         "confirmed_by": staff["leader"].id, "updated_at": now})
        if len(days) >= 20000:
            for part in chunks(days):
                db.session.execute(insert(AttendanceDay), part)
            days = []
    for part in chunks(days):
        db.session.execute(insert(AttendanceDay), part)
    db.session.execute(insert(PayrollDeduction), [
        {"project_id": project.id, "user_id": uid, "month": month, "kind": "advance", "amount_fen": 50000,
         "reason": "借支", "created_by": staff["labour"].id, "created_at": now} for uid in user_ids[::10]])
    db.session.commit()
    return {"project_id": project.id, "labour": staff["labour"].id, "approver": staff["approver"].id}


def step(name: str, results: dict, fn):
    from models import db

    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    db.session.commit()
    # CPU time of this process: on a loaded machine (or SQLite, in-process) steadier than wall time
    results[name] = {"seconds": round(time.perf_counter() - t0, 2), "cpu_seconds": round(time.process_time() - c0, 2),
                     "peak_rss_mb": round(peak_mb(), 1)}
    print(f"{name:<18} {results[name]['seconds']:>7.2f} s  (cpu {results[name]['cpu_seconds']:>6.2f} s)   "
          f"peak RSS {results[name]['peak_rss_mb']:>7.1f} MB", file=sys.stderr)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SITEROLL_BENCH_DATABASE_URL"), required=False)
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (MariaDB, or sqlite:////path) is required")

    from app import create_app
    from config import new_keys
    from models import db

    url = bench_database(args.database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_MODE": "inprocess", "WECHAT_APPID": "", "WECHAT_SECRET": "",
                      **new_keys()})
    results: dict = {"workers": args.workers, "days": args.days}
    with app.app_context():
        db.create_all()
        month = bench_month(args.days)
        t0 = time.perf_counter()
        ids = seed(args.workers, args.days, month)
        results["seed_seconds"] = round(time.perf_counter() - t0, 1)
        results["rss_after_seed_mb"] = round(peak_mb(), 1)
        print(f"seeded {args.workers} workers × {args.days} days ({month}) in {results['seed_seconds']} s, "
              f"peak RSS {results['rss_after_seed_mb']} MB", file=sys.stderr)
        db.session.expunge_all()

        from sqlalchemy import update

        from models.base import utcnow
        from models.payroll import PayrollLine
        from services.payroll import approval, bank, build, order, sheets

        payroll = step("build draft", results, lambda: build.build_payroll(ids["labour"], ids["project_id"], month))
        pid = payroll.id
        results["total_net_fen"], results["lines"] = payroll.total_net_fen, payroll.line_count
        step("rebuild (same)", results, lambda: build.build_payroll(ids["labour"], ids["project_id"], month))
        db.session.expunge_all()
        step("issue slips", results, lambda: order.issue_slips(ids["labour"], pid))
        # every worker signs in the app: one request each in real life, one UPDATE here (not timed)
        db.session.execute(update(PayrollLine).where(PayrollLine.payroll_id == pid).values(
            slip_status="confirmed", confirmed_at=utcnow()))
        db.session.commit()
        db.session.expunge_all()
        step("submit", results, lambda: approval.submit_payroll(ids["labour"], pid))
        db.session.expunge_all()
        step("approve", results, lambda: approval.approve_payroll(ids["approver"], pid))
        db.session.expunge_all()

        def consume(pair) -> int:
            return sum(len(chunk) for chunk in pair[1])

        results["bank_file_bytes"] = step("bank file csv", results,
                                          lambda: consume(bank.bank_file(ids["labour"], pid, "csv")))
        step("bank file again", results, lambda: consume(bank.bank_file(ids["labour"], pid, "csv")))
        db.session.expunge_all()
        results["wage_sheet_bytes"] = step("wage sheet xlsx", results,
                                           lambda: consume(sheets.wage_sheet_xlsx(ids["labour"], pid)))
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
