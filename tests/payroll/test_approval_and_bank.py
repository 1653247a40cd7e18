"""HTTP: maker-checker, the month lock, oversight reads, the bank batch and its results."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from models import AuditEntry, Project, Role, User, WorkerProfile, db
from services import pii
from tests.factories import add_member, bank_card
from tests.payroll.conftest import PayrollSite, confirm, error, issue_and_confirm, profile_context, sign_slip


def submitted(client, s: PayrollSite) -> int:
    for n in (1, 2):
        confirm(client, s, s.day(n), w1=("present", 480), w2=("present", 480), w3=("half", 240))
    payroll_id = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                             headers=s.headers["labour"]).get_json()["id"]
    issue_and_confirm(client, s, payroll_id)
    resp = client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"])
    assert resp.status_code == 200, resp.get_json()
    return payroll_id


def approved(client, s: PayrollSite) -> int:
    payroll_id = submitted(client, s)
    resp = client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["approver"])
    assert resp.status_code == 200, resp.get_json()
    return payroll_id


def results_csv(*rows: tuple) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line_ref", "status", "amount_fen", "reason"])
    writer.writerows(rows)
    return out.getvalue().encode()


def post_results(client, s: PayrollSite, payroll_id: int, data: bytes):
    return client.post(f"/api/v1/payrolls/{payroll_id}/bank-results", data={"file": (io.BytesIO(data), "r.csv")},
                       headers=s.headers["labour"], content_type="multipart/form-data")


def bank_rows(client, s: PayrollSite, payroll_id: int) -> list[dict]:
    resp = client.get(f"/api/v1/payrolls/{payroll_id}/bank-file", headers=s.headers["labour"])
    assert resp.status_code == 200 and resp.mimetype == "text/csv", resp.data[:200]
    text = resp.data.decode("utf-8")
    assert text.splitlines()[0] == "line_ref,payer_account,payee_name,payee_card,bank_name,amount_fen,memo"
    return list(csv.DictReader(io.StringIO(text)))


def test_maker_checker_and_the_month_lock(app, client, psite) -> None:
    s = psite
    with app.app_context():
        # the labour manager also holds the approver role: still not for their own payroll
        add_member(db.session.get(Project, s.project_id), db.session.get(User, s.users["labour"]),
                   Role.PAYROLL_APPROVER)
        db.session.commit()
    payroll_id = submitted(client, s)
    own = client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["labour"])
    assert own.status_code == 403 and error(own)["code"] == "PAYROLL_SELF_APPROVAL"
    for who in ("leader", "supervisor", "w1"):
        assert client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers[who]).status_code == 403

    # sent back, rebuilt, submitted again, approved by the approver
    rejected = client.post(f"/api/v1/payrolls/{payroll_id}/reject", json={"reason": "第2天人数不对"},
                           headers=s.headers["approver"])
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    again = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                        headers=s.headers["labour"]).get_json()
    assert (again["id"], again["status"]) == (payroll_id, "draft")
    assert client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"]).status_code == 200
    # attendance moved after submission: approval refuses a stale sheet
    confirm(client, s, s.day(3), w1=("present", 480))
    stale = client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["approver"])
    assert stale.status_code == 409 and error(stale)["code"] == "PAYROLL_STALE"
    client.post(f"/api/v1/payrolls/{payroll_id}/reject", json={"reason": "考勤有变动"}, headers=s.headers["approver"])
    client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month}, headers=s.headers["labour"])
    # w1's slip changed: it went back to them as version 2 (version 1 kept); the others' stay confirmed
    refused = client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"])
    assert error(refused)["code"] == "PAYSLIPS_UNCONFIRMED"
    assert [x["user_id"] for x in error(refused)["details"]["lines"]] == [s.users["w1"]]
    w1_slip = error(refused)["details"]["lines"][0]["line_id"]
    slip = client.get(f"/api/v1/payslips/{w1_slip}", headers=s.headers["w1"]).get_json()
    assert (slip["status"], slip["version"], slip["days"]) == ("to_confirm", 2, 3.0)
    assert [(h["version"], h["slip_status"], h["days"]) for h in slip["history"]] == [(1, "confirmed", 2.0)]
    assert sign_slip(client, s.headers["w1"], w1_slip).status_code == 200
    assert client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"]).status_code == 200
    done = client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["approver"])
    assert done.status_code == 200 and done.get_json()["status"] == "approved"
    assert done.get_json()["total_net_fen"] == 36000 * 3 + 30000 * 2 + 30000

    # approval locked the month's attendance
    locked = client.post(f"/api/v1/teams/{s.team_id}/days/{s.day(4).isoformat()}/confirm",
                         json={"user_ids": [s.users["w1"]]}, headers=s.headers["leader"])
    assert locked.status_code == 409 and error(locked)["code"] == "ATTENDANCE_LOCKED"
    assert error(client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["approver"])
                 )["code"] == "PAYROLL_NOT_SUBMITTED"

    # supervisors and owners read status and totals, no names
    for who in ("supervisor", "owner"):
        view = client.get(f"/api/v1/payrolls/{payroll_id}", headers=s.headers[who]).get_json()
        assert (view["status"], view["total_net_fen"], view["lines"], view["blockers"]) == (
            "approved", 198000, [], [])
        listed = client.get(f"/api/v1/projects/{s.project_id}/payrolls", headers=s.headers[who]).get_json()
        assert [p["id"] for p in listed["items"]] == [payroll_id]
        assert client.get(f"/api/v1/payrolls/{payroll_id}/wage-sheet.xlsx", headers=s.headers[who]).status_code == 403
        assert client.get(f"/api/v1/payrolls/{payroll_id}/bank-file", headers=s.headers[who]).status_code == 403
    assert client.get(f"/api/v1/payrolls/{payroll_id}", headers=s.headers["w1"]).status_code == 403
    with app.app_context():
        actions = [a for (a,) in db.session.execute(select(AuditEntry.action).where(
            AuditEntry.object_type == "payroll").order_by(AuditEntry.seq))]
    assert actions.count("payroll.submitted") == 3 and actions.count("payroll.rejected") == 2
    assert actions[-1] == "payroll.approved"


def test_bank_file_and_results_round_trip(app, client, psite) -> None:
    s = psite
    payroll_id = approved(client, s)
    rows = bank_rows(client, s, payroll_id)
    assert [(r["payee_name"], r["amount_fen"]) for r in rows] == [("王建国", "72000"), ("李二牛", "60000"),
                                                                  ("赵铁柱", "30000")]
    assert rows[0]["payer_account"] == "6222020200112233445" and len(rows[0]["payee_card"]) == 19
    assert bank_rows(client, s, payroll_id) == rows  # generating again changes nothing
    refs = [r["line_ref"] for r in rows]
    assert len(set(refs)) == 3

    # a tampered amount (or an unknown reference) refuses the whole file
    tampered = post_results(client, s, payroll_id, results_csv((refs[0], "paid", "72000", ""),
                                                               (refs[1], "paid", "600000", "")))
    assert tampered.status_code == 422 and error(tampered)["code"] == "BANK_RESULTS_MISMATCH"
    assert error(tampered)["details"]["rows"] == [{"row": 3, "line_ref": refs[1], "problem": "amount_mismatch"}]
    forged = post_results(client, s, payroll_id, results_csv(("SR999-1-1", "paid", "72000", "")))
    assert error(forged)["details"]["rows"][0]["problem"] == "unknown_ref"
    bad_header = post_results(client, s, payroll_id, b"ref,status\nx,paid\n")
    assert error(bad_header)["code"] == "BANK_RESULTS_INVALID"

    answer = results_csv((refs[0], "paid", "72000", ""), (refs[1], "paid", "60000", ""),
                         (refs[2], "failed", "30000", "户名不符"))
    first = post_results(client, s, payroll_id, answer)
    assert first.status_code == 200 and first.get_json() == {"paid": 2, "failed": 1, "unchanged": 0}
    assert post_results(client, s, payroll_id, answer).get_json() == {"paid": 0, "failed": 0, "unchanged": 3}
    contradicting = post_results(client, s, payroll_id, results_csv((refs[0], "failed", "72000", "")))
    assert error(contradicting)["details"]["rows"][0]["problem"] == "contradicts_earlier_result"

    # the failed line is corrected (a new card on the worker's profile) and goes into the next file alone
    new_card = bank_card("621700000000123456")
    with app.app_context():
        profile = db.session.execute(select(WorkerProfile).where(WorkerProfile.user_id == s.users["w3"])).scalar_one()
        profile.bank_card_enc = pii.encrypt_str(new_card, context=profile_context("bank_card", profile.id))
        db.session.commit()
    retry = bank_rows(client, s, payroll_id)
    assert [(r["payee_name"], r["payee_card"], r["amount_fen"]) for r in retry] == [("赵铁柱", new_card, "30000")]
    assert retry[0]["line_ref"] not in refs and retry[0]["line_ref"].endswith("-2")
    assert post_results(client, s, payroll_id, results_csv((retry[0]["line_ref"], "paid", "30000", ""))
                        ).get_json() == {"paid": 1, "failed": 0, "unchanged": 0}
    assert bank_rows(client, s, payroll_id) == []  # everyone paid: nothing left to send
    # an old reference of a line paid since cannot pay it twice
    assert post_results(client, s, payroll_id, results_csv((refs[2], "paid", "30000", ""))).status_code == 422

    lines = client.get(f"/api/v1/payrolls/{payroll_id}", headers=s.headers["labour"]).get_json()["lines"]
    assert {line["payment_status"] for line in lines} == {"paid"}
    with app.app_context():
        reads = db.session.execute(select(AuditEntry.details).where(
            AuditEntry.action == "pii.read", AuditEntry.object_type == "payroll")).scalars().all()
    assert len(reads) == 3 and all('"bank_file"' in d for d in reads)
