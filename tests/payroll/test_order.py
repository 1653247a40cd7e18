"""HTTP: payroll in the law's order (issue 25) — the employer prepares, the worker confirms before
anyone pays, the general contractor reviews (a subcontractor's) and pays, held lines go to a
supplementary payroll, unreachable workers are released after the window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEntry, Project, Role, Team, User, db
from models.payroll import PayrollLine
from services import org
from tests.factories import USCCS, add_member, bank_card, bearer, make_company, make_user
from tests.payroll.conftest import (
    PayrollSite,
    confirm,
    error,
    issue_and_confirm,
    make_profile,
    make_signed_contract,
    sign_slip,
)
from tests.payroll.test_approval_and_bank import bank_rows, post_results, results_csv


@dataclass
class SubSite:
    s: PayrollSite
    company_id: int
    gc_id: int
    team_id: int


@pytest.fixture
def ssite(app, client, psite) -> SubSite:
    """psite plus a labour subcontractor (劳务分包) with its own team of two workers and its own clerk,
    invited through the API."""
    s = psite
    with app.app_context():
        admin = db.session.get(User, s.users["admin"])
        company = make_company(admin, USCCS[1], "木工劳务有限公司")
        org.add_participant(admin.id, s.project_id, company.id, "labour_subcontractor")
        team = org.create_team(admin.id, s.project_id, name="木工班", default_day_wage_fen=32000, company_id=company.id)
        project = db.session.get(Project, s.project_id)
        for n, who in enumerate(("s1", "s2")):
            user = make_user(who)
            membership = add_member(project, user, Role.WORKER, team)
            make_profile(user, {"s1": "钱木匠", "s2": "周木匠"}[who], card=bank_card(f"62220202009922{n:04d}"))
            make_signed_contract(user, membership, amount_fen=32000)
            s.users[who], s.headers[who] = user.id, bearer(user)
        clerk = make_user("clerk")
        s.users["clerk"], s.headers["clerk"] = clerk.id, bearer(clerk)
        gc_id = db.session.execute(select(Team.company_id).where(Team.id == s.team_id)).scalar_one_or_none()
        db.session.commit()
        company_id, team_id = company.id, team.id
    invited = client.post(f"/api/v1/projects/{s.project_id}/invitations",
                          json={"role": "subcontractor_clerk", "company_id": company_id}, headers=s.headers["admin"])
    assert invited.status_code == 201 and invited.get_json()["company_id"] == company_id, invited.get_json()
    accepted = client.post(f"/api/v1/invitations/{invited.get_json()['code']}/accept", headers=s.headers["clerk"])
    assert accepted.status_code == 200, accepted.get_json()
    with app.app_context():
        from services.authz import general_contractor_of

        gc_id = gc_id or general_contractor_of(s.project_id)
    return SubSite(s, company_id, gc_id, team_id)


def sub_days(client, ss: SubSite) -> None:
    s = ss.s
    for n in (1, 2):
        resp = client.post(f"/api/v1/teams/{ss.team_id}/days/{s.day(n).isoformat()}/confirm",
                           json={"user_ids": [s.users["s1"], s.users["s2"]], "corrections": [
                               {"user_id": s.users[w], "status": "present", "worked_minutes": 480, "reason": "现场记录"}
                               for w in ("s1", "s2")]}, headers=s.headers["labour"])
        assert resp.status_code == 200, resp.get_json()


def test_clerk_invitation_needs_a_participant_company(client, ssite) -> None:
    s = ssite.s
    for body in ({"role": "subcontractor_clerk"}, {"role": "subcontractor_clerk", "company_id": 999999}):
        resp = client.post(f"/api/v1/projects/{s.project_id}/invitations", json=body, headers=s.headers["admin"])
        assert error(resp)["code"] == "COMPANY_NOT_PARTICIPANT"


def test_subcontractor_payroll_prepared_by_its_clerk_reviewed_by_the_gc_then_approved(app, client, ssite) -> None:
    ss, s = ssite, ssite.s
    sub_days(client, ss)
    confirm(client, s, s.day(1), w1=("present", 480))
    url = f"/api/v1/projects/{s.project_id}/payrolls"
    # each employer prepares its own: the labour manager not the subcontractor's, the clerk not the GC's
    assert client.post(url, json={"month": s.month, "company_id": ss.company_id},
                       headers=s.headers["labour"]).status_code == 403
    assert client.post(url, json={"month": s.month}, headers=s.headers["clerk"]).status_code == 403
    draft = client.post(url, json={"month": s.month, "company_id": ss.company_id}, headers=s.headers["clerk"])
    assert draft.status_code == 201, draft.get_json()
    sub = draft.get_json()
    assert (sub["company_id"], sub["needs_review"], sub["line_count"], sub["total_net_fen"]) == (
        ss.company_id, True, 2, 4 * 32000)
    gc = client.post(url, json={"month": s.month}, headers=s.headers["labour"]).get_json()
    assert (gc["company_id"], gc["needs_review"], gc["line_count"]) == (ss.gc_id, False, 1)  # the GC's own team only
    # the clerk reads its own payroll only
    assert client.get(f"/api/v1/payrolls/{gc['id']}", headers=s.headers["clerk"]).status_code == 403

    issue_and_confirm(client, s, sub["id"], preparer="clerk")
    submitted = client.post(f"/api/v1/payrolls/{sub['id']}/submit", headers=s.headers["clerk"])
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"

    # approval before the GC's review is refused with its own code
    early = client.post(f"/api/v1/payrolls/{sub['id']}/approve", headers=s.headers["approver"])
    assert early.status_code == 409 and error(early)["code"] == "PAYROLL_NOT_REVIEWED"
    # the review is the labour manager's, never the clerk's (own work) nor the approver's
    for who in ("clerk", "approver", "supervisor", "s1"):
        assert client.post(f"/api/v1/payrolls/{sub['id']}/review", headers=s.headers[who]).status_code == 403, who
    with app.app_context():  # the clerk also holding the labour manager's role still may not review their own
        add_member(db.session.get(Project, s.project_id), db.session.get(User, s.users["clerk"]), Role.LABOUR_MANAGER)
        add_member(db.session.get(Project, s.project_id), db.session.get(User, s.users["labour"]),
                   Role.PAYROLL_APPROVER)
        db.session.commit()
    own = client.post(f"/api/v1/payrolls/{sub['id']}/review", headers=s.headers["clerk"])
    assert own.status_code == 403 and error(own)["code"] == "PAYROLL_SELF_REVIEW"
    reviewed = client.post(f"/api/v1/payrolls/{sub['id']}/review", headers=s.headers["labour"])
    assert reviewed.status_code == 200 and reviewed.get_json()["status"] == "reviewed"
    # nobody checks twice what they made or reviewed
    for who in ("labour", "clerk"):
        refused = client.post(f"/api/v1/payrolls/{sub['id']}/approve", headers=s.headers[who])
        assert refused.status_code == 403, who
    assert error(client.post(f"/api/v1/payrolls/{sub['id']}/approve", headers=s.headers["labour"])
                 )["code"] == "PAYROLL_SELF_APPROVAL"
    approved = client.post(f"/api/v1/payrolls/{sub['id']}/approve", headers=s.headers["approver"])
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    # the GC's own payroll needs no review: straight to the approver
    issue_and_confirm(client, s, gc["id"])
    assert client.post(f"/api/v1/payrolls/{gc['id']}/submit", headers=s.headers["labour"]).status_code == 200
    assert error(client.post(f"/api/v1/payrolls/{gc['id']}/review", headers=s.headers["labour"])
                 )["code"] == "PAYROLL_NO_REVIEW"
    assert client.post(f"/api/v1/payrolls/{gc['id']}/approve", headers=s.headers["approver"]).status_code == 200
    # the general contractor pays the subcontractor's workers from the wage account (总包代发)
    rows = bank_rows(client, s, sub["id"])
    assert sorted(r["payee_name"] for r in rows) == ["周木匠", "钱木匠"]
    with app.app_context():
        actions = [a for (a,) in db.session.execute(select(AuditEntry.action).where(
            AuditEntry.object_type == "payroll", AuditEntry.object_id == sub["id"]).order_by(AuditEntry.seq))]
    assert actions.index("payroll.slips_issued") < actions.index("payroll.submitted") < actions.index(
        "payroll.reviewed") < actions.index("payroll.approved")


def test_submit_refused_while_a_slip_is_unconfirmed_and_release_after_the_window(app, client, psite) -> None:
    s = psite
    confirm(client, s, s.day(1), w1=("present", 480), w2=("present", 480))
    payroll_id = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                             headers=s.headers["labour"]).get_json()["id"]
    not_sent = client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"])
    assert not_sent.status_code == 409 and error(not_sent)["code"] == "PAYSLIPS_UNCONFIRMED"
    slips = issue_and_confirm(client, s, payroll_id, skip=("w2",))
    refused = client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"])
    assert refused.status_code == 409 and error(refused)["code"] == "PAYSLIPS_UNCONFIRMED"
    assert [(x["line_id"], x["slip_status"]) for x in error(refused)["details"]["lines"]] == [
        (slips["w2"], "to_confirm")]
    release = f"/api/v1/payrolls/{payroll_id}/lines/{slips['w2']}/release"
    early = client.post(release, json={"reason": "电话联系不上"}, headers=s.headers["labour"])
    assert early.status_code == 409 and error(early)["code"] == "CONFIRM_WINDOW_OPEN"
    assert client.post(release, json={"reason": "电话联系不上"}, headers=s.headers["w1"]).status_code == 403
    with app.app_context():  # the project's window (3 days) passes
        line = db.session.get(PayrollLine, slips["w2"])
        line.issued_at = line.issued_at - timedelta(days=3, minutes=1)
        db.session.commit()
    # a line repaying an advance needs the worker's own signature: not released
    assert client.post(f"/api/v1/projects/{s.project_id}/payroll-deductions", json={
        "user_id": s.users["w2"], "month": s.month, "kind": "advance", "amount_fen": 1000, "reason": "借支"},
        headers=s.headers["labour"]).status_code == 201
    client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month}, headers=s.headers["labour"])
    with app.app_context():
        line = db.session.get(PayrollLine, slips["w2"])
        assert (line.slip_status, line.slip_version) == ("to_confirm", 2)  # changed: sent again
        line.issued_at = line.issued_at - timedelta(days=3, minutes=1)
        db.session.commit()
    unsigned = client.post(release, json={"reason": "联系不上"}, headers=s.headers["labour"])
    assert unsigned.status_code == 409 and error(unsigned)["code"] == "ADVANCE_UNACKNOWLEDGED"
    # the worker's own signature on the advance (given when it was paid out) is the other acknowledgement
    import io

    from tests.api.test_contracts import signature_png

    mine = client.get("/api/v1/me/payroll-deductions", headers=s.headers["w2"]).get_json()["items"]
    assert [(d["kind"], d["amount_fen"], d["acknowledged_at"]) for d in mine] == [("advance", 1000, None)]
    ack = f"/api/v1/payroll-deductions/{mine[0]['id']}/acknowledge"
    assert client.post(ack, data={"signature": (io.BytesIO(signature_png()), "s.png")}, headers=s.headers["w1"],
                       content_type="multipart/form-data").status_code == 404  # not theirs
    signed = client.post(ack, data={"signature": (io.BytesIO(signature_png()), "s.png")}, headers=s.headers["w2"],
                         content_type="multipart/form-data")
    assert signed.status_code == 200 and signed.get_json()["acknowledged_at"]
    with app.app_context():
        from services.payroll.deductions import unacknowledged_advances

        assert unacknowledged_advances(s.project_id, s.users["w2"], [s.month]) == []
    with app.app_context():  # the advance is withdrawn (entered by mistake): the line is as before
        from models.payroll import PayrollDeduction

        db.session.execute(PayrollDeduction.__table__.delete())
        db.session.commit()
    client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month}, headers=s.headers["labour"])
    with app.app_context():
        line = db.session.get(PayrollLine, slips["w2"])
        line.issued_at = line.issued_at - timedelta(days=3, minutes=1)
        db.session.commit()
    released = client.post(release, json={"reason": "电话、微信三天联系不上"}, headers=s.headers["labour"])
    assert released.status_code == 200, released.get_json()
    assert (released.get_json()["slip_status"], released.get_json()["resolution"]) == ("released", "电话、微信三天联系不上")
    assert client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"]).status_code == 200
    assert client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["approver"]).status_code == 200
    assert len(bank_rows(client, s, payroll_id)) == 2  # confirmed and released lines are paid
    with app.app_context():
        from services.oversight import warnings

        hits = [h for h in warnings.compute([s.project_id]) if h.rule == "SLIP_RELEASED"]
        audited = db.session.execute(select(AuditEntry.action).where(
            AuditEntry.action == "payroll.line_released")).scalars().all()
    assert [h.evidence["line_id"] for h in hits] == [slips["w2"]] and audited == ["payroll.line_released"]


def test_disputed_line_held_others_paid_supplementary_pays_it(app, client, psite) -> None:
    s = psite
    confirm(client, s, s.day(1), w1=("present", 480), w2=("present", 480), w3=("present", 480))
    url = f"/api/v1/projects/{s.project_id}/payrolls"
    payroll_id = client.post(url, json={"month": s.month}, headers=s.headers["labour"]).get_json()["id"]
    assert error(client.post(url, json={"month": s.month, "supplementary": True},
                             headers=s.headers["labour"]))["code"] == "NOTHING_HELD"
    slips = issue_and_confirm(client, s, payroll_id, skip=("w2",))
    disputed = client.post(f"/api/v1/payslips/{slips['w2']}/dispute", json={"reason": "我那天干了加班"},
                           headers=s.headers["w2"])
    assert disputed.status_code == 200 and disputed.get_json()["status"] == "disputed"
    held = client.post(f"/api/v1/payrolls/{payroll_id}/lines/{slips['w2']}/hold", json={"reason": "核实加班中"},
                       headers=s.headers["labour"])
    assert held.status_code == 200 and held.get_json()["slip_status"] == "held"
    assert client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"]).status_code == 200
    assert client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["approver"]).status_code == 200
    rows = bank_rows(client, s, payroll_id)
    assert sorted(r["payee_name"] for r in rows) == ["王建国", "赵铁柱"]  # everyone else paid, w2 waits
    answer = results_csv(*[(r["line_ref"], "paid", r["amount_fen"], "") for r in rows])
    assert post_results(client, s, payroll_id, answer).get_json()["paid"] == 2
    w2_line = next(x for x in client.get(f"/api/v1/payrolls/{payroll_id}", headers=s.headers["labour"]).get_json()[
        "lines"] if x["user_id"] == s.users["w2"])
    assert w2_line["payment_status"] == "held"

    supp = client.post(url, json={"month": s.month, "supplementary": True}, headers=s.headers["labour"])
    assert supp.status_code == 201, supp.get_json()
    supp = supp.get_json()
    assert (supp["kind"], supp["line_count"], supp["total_net_fen"]) == ("supplementary", 1, 30000)
    assert supp["id"] != payroll_id
    new_slips = issue_and_confirm(client, s, supp["id"])
    assert list(new_slips) == ["w2"]
    assert client.post(f"/api/v1/payrolls/{supp['id']}/submit", headers=s.headers["labour"]).status_code == 200
    assert client.post(f"/api/v1/payrolls/{supp['id']}/approve", headers=s.headers["approver"]).status_code == 200
    rows = bank_rows(client, s, supp["id"])
    assert [(r["payee_name"], r["amount_fen"]) for r in rows] == [("李二牛", "30000")]
    assert post_results(client, s, supp["id"], results_csv((rows[0]["line_ref"], "paid", "30000", "")
                                                           )).get_json()["paid"] == 1
    mine = client.get("/api/v1/me/payslips", headers=s.headers["w2"]).get_json()["items"]
    assert sorted((x["kind"], x["status"], x["payment_status"]) for x in mine) == [
        ("monthly", "held", "held"), ("supplementary", "confirmed", "paid")]
    # nothing held any more: no second supplementary payroll
    assert error(client.post(url, json={"month": s.month, "supplementary": True},
                             headers=s.headers["labour"]))["code"] == "NOTHING_HELD"


def test_held_or_confirmed_slip_cannot_be_confirmed_or_disputed_again(client, psite) -> None:
    s = psite
    confirm(client, s, s.day(1), w1=("present", 480))
    payroll_id = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                             headers=s.headers["labour"]).get_json()["id"]
    slips = issue_and_confirm(client, s, payroll_id, skip=("w1",))
    client.post(f"/api/v1/payrolls/{payroll_id}/lines/{slips['w1']}/hold", json={"reason": "暂缓"},
                headers=s.headers["labour"])
    assert error(sign_slip(client, s.headers["w1"], slips["w1"]))["code"] == "PAYSLIP_NOT_OPEN"
    again = client.post(f"/api/v1/payrolls/{payroll_id}/lines/{slips['w1']}/hold", json={"reason": "暂缓"},
                        headers=s.headers["labour"])
    assert error(again)["code"] == "SLIP_NOT_OPEN"


def test_termination_opens_a_settlement_payroll_paid_the_same_way(app, client, psite) -> None:
    from models import Contract

    s = psite
    for n in (1, 2):
        confirm(client, s, s.day(n), w1=("present", 480), w2=("present", 480))
    with app.app_context():
        contract_id = db.session.execute(select(Contract.id).where(Contract.user_id == s.users["w1"])).scalar_one()
    ended = client.post(f"/api/v1/contracts/{contract_id}/terminate", json={"reason": "工程完工退场",
                        "date": s.day(2).isoformat()}, headers=s.headers["labour"])
    assert ended.status_code == 200, ended.get_json()
    listed = client.get(f"/api/v1/projects/{s.project_id}/payrolls", headers=s.headers["labour"]).get_json()["items"]
    settlement = next(p for p in listed if p["kind"] == "settlement")
    assert (settlement["settlement_user_id"], settlement["line_count"], settlement["total_net_fen"]) == (
        s.users["w1"], 1, 72000)
    assert settlement["due_date"] == (s.day(2) + timedelta(days=3)).isoformat()  # settlement_days, default 3
    with app.app_context():  # not paid by its due date (last month): a warning
        from services.oversight import warnings

        overdue = [h for h in warnings.compute([s.project_id]) if h.rule == "SETTLEMENT_OVERDUE"]
    assert [(h.evidence["payroll_id"], h.evidence["payroll_status"]) for h in overdue] == [(settlement["id"], "draft")]
    # the month's payroll leaves the settled worker out
    monthly = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                          headers=s.headers["labour"]).get_json()
    assert (monthly["line_count"], monthly["total_net_fen"]) == (1, 60000)

    slips = issue_and_confirm(client, s, settlement["id"])
    mine = client.get("/api/v1/me/payslips", headers=s.headers["w1"]).get_json()["items"]
    assert [(x["kind"], x["status"]) for x in mine] == [("settlement", "confirmed")]  # the worker sees it
    assert client.post(f"/api/v1/payrolls/{settlement['id']}/submit", headers=s.headers["labour"]).status_code == 200
    assert client.post(f"/api/v1/payrolls/{settlement['id']}/approve", headers=s.headers["approver"]).status_code == 200
    rows = bank_rows(client, s, settlement["id"])
    assert [(r["payee_name"], r["amount_fen"]) for r in rows] == [("王建国", "72000")]
    assert post_results(client, s, settlement["id"], results_csv((rows[0]["line_ref"], "paid", "72000", "")
                                                                  )).get_json()["paid"] == 1
    slip = client.get(f"/api/v1/payslips/{slips['w1']}", headers=s.headers["w1"]).get_json()
    assert (slip["kind"], slip["payment_status"]) == ("settlement", "paid")
    with app.app_context():  # paid: no overdue warning; an unpaid one past its due date would be
        from services.oversight import warnings

        assert [h for h in warnings.compute([s.project_id]) if h.rule == "SETTLEMENT_OVERDUE"] == []


def test_voucher_names_the_employer_and_the_paid_lines_sealed_in_the_audit_chain(app, client, psite) -> None:
    import io

    from pypdf import PdfReader

    from tests.payroll.test_approval_and_bank import approved

    s = psite
    payroll_id = approved(client, s)
    early = client.get(f"/api/v1/payrolls/{payroll_id}/voucher.pdf", headers=s.headers["labour"])
    assert early.status_code == 409 and error(early)["code"] == "VOUCHER_NOT_READY"
    rows = bank_rows(client, s, payroll_id)
    post_results(client, s, payroll_id, results_csv((rows[0]["line_ref"], "paid", rows[0]["amount_fen"], ""),
                                                    (rows[1]["line_ref"], "failed", rows[1]["amount_fen"], "户名不符")))
    pdf = client.get(f"/api/v1/payrolls/{payroll_id}/voucher.pdf", headers=s.headers["labour"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "代发凭证" in text and "测试建设集团" in text and "工资专用账户" in text
    assert "王建国" in text and "720.00" in text and "李二牛" not in text  # paid lines only
    assert pdf.headers["X-Content-SHA256"] in text
    for who in ("supervisor", "w1"):
        assert client.get(f"/api/v1/payrolls/{payroll_id}/voucher.pdf", headers=s.headers[who]).status_code == 403
    with app.app_context():
        from services.seals import verify_seals

        sealed = db.session.execute(select(AuditEntry.details).where(
            AuditEntry.action == "record.sealed", AuditEntry.object_type == "payroll_voucher")).scalars().all()
        assert len(sealed) == 1 and pdf.headers["X-Content-SHA256"] in sealed[0]
        assert verify_seals()[1] == []


def test_wage_ledger_has_the_full_id_number_and_its_read_is_audited(app, client, psite) -> None:
    import io

    from openpyxl import load_workbook

    from services.payroll.ledger import neutral
    from tests.payroll.test_approval_and_bank import approved

    s = psite
    approved(client, s)
    url = f"/api/v1/projects/{s.project_id}/exports/wage-ledger.xlsx?from={s.month}&to={s.month}"
    for who in ("supervisor", "approver", "leader", "w1"):
        assert client.get(url, headers=s.headers[who]).status_code == 403, who
    resp = client.get(url, headers=s.headers["labour"])
    assert resp.status_code == 200
    rows = [tuple(r) for r in load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True)]
    assert rows[0][:6] == ("工资月份", "类别", "用人单位", "姓名", "身份证号码", "联系电话")
    w1 = next(r for r in rows if r[3] == "王建国")
    assert (w1[0], w1[2], w1[4], w1[6], w1[15]) == (s.month, "测试建设集团", "110105199001010011", 2, "720.00")
    assert str(w1[18]).startswith("本人签字确认")
    assert client.get(url, headers=s.headers["admin"]).status_code == 200
    with app.app_context():
        reads = db.session.execute(select(AuditEntry.details).where(
            AuditEntry.action == "pii.read", AuditEntry.object_type == "project")).scalars().all()
    assert len(reads) == 2 and all('"wage_ledger"' in d and "id_number" in d for d in reads)  # one per file
    assert neutral("=HYPERLINK(1)") == "'=HYPERLINK(1)" and neutral("王") == "王" and neutral(3) == 3


def test_notice_board_cannot_be_published_without_the_items_art_34_requires(app, client, ssite) -> None:
    ss, s = ssite, ssite.s
    url = f"/api/v1/projects/{s.project_id}/notice-board"
    refused = client.post(f"{url}/publish", headers=s.headers["labour"])
    assert refused.status_code == 422 and error(refused)["code"] == "NOTICE_BOARD_INCOMPLETE"
    # the default channels are 12333, 12345 and 12348 (public legal service, legal aid): arbitration is local
    assert error(refused)["details"]["missing"] == ["owner", "authorities", "labour_manager", "minimum_wage",
                                                    "labour_arbitration"]
    with app.app_context():
        admin = db.session.get(User, s.users["admin"])
        owner = make_company(admin, USCCS[2], "某某置业有限公司")
        org.add_participant(admin.id, s.project_id, owner.id, "owner")
        db.session.commit()
    client.put(f"/api/v1/projects/{s.project_id}/payroll-rules", json={
        "overtime_after_minutes": 480, "overtime_percent": 150, "minimum_wage_fen": 236000},
        headers=s.headers["labour"])
    put = client.put(url, headers=s.headers["labour"], json={
        "labour_manager_name": "李劳资", "labour_manager_phone": "0755-12345678",
        "authorities": [{"name": "南山区住房和建设局", "phone": "0755-26611111"}],
        "complaint_phones": [{"name": "劳动保障监察投诉", "phone": "12333"}, {"name": "政务服务热线", "phone": "12345"},
                             {"name": "公共法律服务热线", "phone": "12348"},
                             {"name": "区劳动人事争议仲裁院", "phone": "0755-26622222"},
                             {"name": "区法律援助处", "phone": "0755-26633333"}]})
    assert put.status_code == 200 and put.get_json()["missing"] == []
    board = client.post(f"{url}/publish", headers=s.headers["labour"]).get_json()
    assert board["published_at"] and board["owner"] == "某某置业有限公司"
    assert board["subcontractors"] == ["木工劳务有限公司"] and board["minimum_wage_fen"] == 236000
    assert board["pay_day"] == 15 and board["pay_date"]
    assert client.post(f"{url}/publish", headers=s.headers["w1"]).status_code == 403
    assert ss.company_id


def test_retention_of_wage_records_is_recorded_with_the_project(client, psite) -> None:
    s = psite
    url = f"/api/v1/projects/{s.project_id}"
    assert client.get(url, headers=s.headers["admin"]).get_json()["payroll_records_kept_until"] is None
    resp = client.patch(url, json={"completed_on": "2026-06-30", "wages_settled_on": "2026-07-15"},
                        headers=s.headers["admin"])
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["payroll_records_kept_until"] == "2029-07-15"  # 3 years after both


def test_settlement_carries_an_earlier_month_deferred_to_it(app, client, psite) -> None:
    from datetime import date

    from models import Contract
    from services.attendance.locks import month_of

    s = psite
    before = date.fromisoformat(f"{s.month}-01") - timedelta(days=20)  # a day of the month before
    confirm(client, s, before, w1=("present", 480))
    confirm(client, s, s.day(1), w1=("present", 480))
    earlier = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": month_of(before)},
                          headers=s.headers["labour"]).get_json()
    deferred = client.post(f"/api/v1/payrolls/{earlier['id']}/deferrals",
                           json={"user_id": s.users["w1"], "reason": "退场，随结算一并支付"}, headers=s.headers["labour"])
    assert deferred.status_code == 200 and deferred.get_json()["line_count"] == 0
    with app.app_context():
        contract_id = db.session.execute(select(Contract.id).where(Contract.user_id == s.users["w1"])).scalar_one()
    assert client.post(f"/api/v1/contracts/{contract_id}/terminate", json={
        "reason": "退场", "date": s.day(1).isoformat()}, headers=s.headers["labour"]).status_code == 200
    listed = client.get(f"/api/v1/projects/{s.project_id}/payrolls", headers=s.headers["labour"]).get_json()["items"]
    settlement = next(p for p in listed if p["kind"] == "settlement")
    assert settlement["total_net_fen"] == 2 * 36000
    line = client.get(f"/api/v1/payrolls/{settlement['id']}", headers=s.headers["labour"]).get_json()["lines"][0]
    assert line["carried_months"] == [month_of(before)]


def test_the_clerk_reaches_the_teams_of_its_company_only(client, ssite) -> None:
    ss, s = ssite, ssite.s
    clerk = s.headers["clerk"]
    assert client.get(f"/api/v1/teams/{ss.team_id}", headers=clerk).status_code == 200
    assert client.get(f"/api/v1/teams/{s.team_id}", headers=clerk).status_code == 403  # the GC's team
    listed = client.get(f"/api/v1/projects/{s.project_id}/teams", headers=clerk).get_json()["items"]
    assert [t["id"] for t in listed] == [ss.team_id]
    members = client.get(f"/api/v1/projects/{s.project_id}/members", headers=clerk).get_json()["items"]
    assert {m["user_id"] for m in members} == {s.users["s1"], s.users["s2"]}
