"""HTTP: a contract from approval to signature (real face checks) to 退场; the PDF; tampering found."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import select, update

from models import AuditEntry, Contract, ProjectCompany, db
from services.days import business_day
from services.enrollment.gate import entry_gate
from tests.api.enrollment_site import Site, apply, error
from tests.conftest import drain_jobs
from tests.faces.photos import face_bytes
from tests.factories import bearer, make_user, profile_body

pytestmark = pytest.mark.slow


def signature_png() -> bytes:
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    pen.line([(20, 90), (80, 20), (120, 100), (180, 30), (240, 95), (330, 40)], fill=(0, 0, 0, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload_face(client, headers, kind: str, photo: str, **fields):
    data = {"kind": kind, **fields, "frames": [(io.BytesIO(face_bytes(photo)), "selfie.jpg")]}
    return client.post("/api/v1/faces/checks", data=data, headers=headers, content_type="multipart/form-data")


def sign(client, headers, contract_id: int, photo: str):
    data = {"signature": (io.BytesIO(signature_png()), "sign.png"),
            "photo": [(io.BytesIO(face_bytes(photo)), "selfie.jpg")]}
    return client.post(f"/api/v1/contracts/{contract_id}/sign", data=data, headers=headers,
                       content_type="multipart/form-data")


def pdf_text(client, headers, contract_id: int) -> str:
    resp = client.get(f"/api/v1/contracts/{contract_id}/pdf", headers=headers)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    # pypdf spaces out CJK glyphs of an embedded subset font; compare without whitespace
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def approved_worker(app, client, site: Site) -> tuple[int, int]:
    """Apply with a real face enrollment (img1), get approved; returns (membership id, contract id)."""
    worker = site.headers["worker"]
    membership_id = apply(client, site, face=False)
    assert upload_face(client, worker, "enroll", "img1.jpg").status_code == 202
    with app.app_context():
        drain_jobs(app, "face")
    resp = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"])
    assert resp.status_code == 200, resp.get_json()
    contract_id = client.get("/api/v1/me/contracts", headers=worker).get_json()["items"][0]["id"]
    return membership_id, contract_id


def employer_signatory(app, client, site: Site, contract_id: int | None = None) -> dict[str, str]:
    """An employer_signatory, by invitation, of the contract's employer (else of the general contractor)."""
    with app.app_context():
        company_id = db.session.get(Contract, contract_id).employer_company_id if contract_id else db.session.execute(
            select(ProjectCompany.company_id).where(ProjectCompany.project_id == site.project_id)).scalar_one()
        signer = bearer(make_user())
        db.session.commit()
    resp = client.post(f"/api/v1/projects/{site.project_id}/invitations",
                       json={"role": "employer_signatory", "company_id": company_id}, headers=site.headers["admin"])
    assert resp.status_code == 201, resp.get_json()
    accepted = client.post(f"/api/v1/invitations/{resp.get_json()['code']}/accept", headers=signer)
    assert accepted.status_code == 200 and accepted.get_json()["company_id"] == company_id
    return signer


def employer_sign(client, headers, contract_id: int):
    data = {"signature": (io.BytesIO(signature_png()), "sign.png")}
    return client.post(f"/api/v1/contracts/{contract_id}/employer-sign", data=data, headers=headers,
                       content_type="multipart/form-data")


def gate_codes(client, site: Site) -> list[str]:
    body = client.get(f"/api/v1/me/projects/{site.project_id}/gate", headers=site.headers["worker"]).get_json()
    return [r["code"] for r in body["reasons"]]


def test_contract_signed_with_a_matching_face_and_sealed(app, client, site, tmp_path):
    worker, labour = site.headers["worker"], site.headers["labour"]
    membership_id, contract_id = approved_worker(app, client, site)
    contract = client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()
    assert (contract["status"], contract["wage_type"], contract["wage_amount_fen"]) == ("unsigned", "day", 36000)
    assert "张三" in contract["text"] and "360.00 元/日" in contract["text"]
    assert set(gate_codes(client, site)) == {"CONTRACT_NOT_SIGNED", "TRAINING_INCOMPLETE"}

    text = pdf_text(client, worker, contract_id)
    full_id = profile_body()["id_number"]  # §17(二): the full number in the contract, never in lists
    assert "张三" in text and full_id in text and "360.00元/日" in text and "尚未生效" in text

    # someone else's face: the check fails and the contract may be signed again
    resp = sign(client, worker, contract_id, "img3.jpg")
    assert resp.status_code == 202, resp.get_json()
    with app.app_context():
        drain_jobs(app, "face")
    failed = client.get(resp.get_json()["poll_url"], headers=worker).get_json()
    assert (failed["status"], failed["reason_code"]) == ("failed", "FACE_MISMATCH")
    assert client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()["status"] == "unsigned"

    resp = sign(client, worker, contract_id, "img2.jpg")
    assert resp.status_code == 202 and resp.get_json()["status"] == "signing"
    assert error(sign(client, worker, contract_id, "img2.jpg"))["code"] == "CONTRACT_SIGNING_IN_PROGRESS"
    with app.app_context():
        drain_jobs(app, "face")
    half = client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()
    assert half["status"] == "worker_signed" and half["signing_check_id"] == resp.get_json()["face_check_id"]
    assert half["content_sha256"] is None and "CONTRACT_NOT_SIGNED" in gate_codes(client, site)
    assert employer_sign(client, employer_signatory(app, client, site), contract_id).status_code == 200
    signed = client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()
    assert signed["status"] == "signed" and signed["employer_signed_at"] and signed["worker_signed_at"]
    sha = signed["content_sha256"]
    with app.app_context():
        sealed = db.session.execute(select(AuditEntry).where(AuditEntry.action == "record.sealed")).scalar_one()
        assert (sealed.object_type, sealed.object_id, sha in sealed.details) == ("contract", str(contract_id), True)

    text = pdf_text(client, worker, contract_id)
    assert sha in text and "授权签署人签名时间" in text and "合同生效时间" in text and "张三" in text
    (tmp_path / "signed.pdf").write_bytes(client.get(f"/api/v1/contracts/{contract_id}/pdf", headers=worker).data)

    # signed is final through the API: no second signature, a later template edit changes nothing
    again = sign(client, worker, contract_id, "img2.jpg")
    assert again.status_code == 409 and error(again)["code"] == "CONTRACT_ALREADY_SIGNED"
    template = client.get(f"/api/v1/projects/{site.project_id}/contract-template", headers=labour).get_json()
    template.update(wage_type="day", wage_amount_fen=1000)
    for key in ("is_default", "placeholders", "required_placeholders", "required_clauses"):
        template.pop(key)
    assert client.put(f"/api/v1/projects/{site.project_id}/contract-template", json=template, headers=labour
                      ).status_code == 200
    assert client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()["content_sha256"] == sha

    assert gate_codes(client, site) == ["TRAINING_INCOMPLETE"]
    url = f"/api/v1/projects/{site.project_id}/workers/{site.users['worker']}/trainings"
    for level, hours in (("company", 15), ("project", 15), ("team", 20)):
        client.post(url, json={"level": level, "hours": hours, "date": business_day().isoformat()}, headers=labour)
    gate = client.get(f"/api/v1/me/projects/{site.project_id}/gate", headers=worker).get_json()
    assert (gate["may_clock_in"], gate["reasons"], gate["path"]) == (True, [], "face")

    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(update(Contract).where(Contract.id == contract_id).values(wage_amount_fen=100))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"sealed contract {contract_id} BROKEN" in result.output


def test_termination_ends_the_contract_and_the_gate(app, client, site):
    worker, labour = site.headers["worker"], site.headers["labour"]
    _, contract_id = approved_worker(app, client, site)
    resp = sign(client, worker, contract_id, "img2.jpg")
    with app.app_context():
        drain_jobs(app, "face")
    assert client.get(resp.get_json()["poll_url"], headers=worker).get_json()["status"] == "passed"
    assert employer_sign(client, employer_signatory(app, client, site), contract_id).status_code == 200
    later = business_day() + timedelta(days=10)
    body = {"reason": "工程完工退场", "date": later.isoformat()}
    assert client.post(f"/api/v1/contracts/{contract_id}/terminate", json=body, headers=worker).status_code == 403
    ended = client.post(f"/api/v1/contracts/{contract_id}/terminate", json=body, headers=labour)
    assert ended.status_code == 200 and ended.get_json()["status"] == "terminated"
    with app.app_context():
        user_id, project_id = site.users["worker"], site.project_id
        assert "CONTRACT_NOT_ACTIVE" not in [r.code for r in entry_gate(user_id, project_id, later - timedelta(1)).reasons]
        assert [r.code for r in entry_gate(user_id, project_id, later).reasons] == [
            "CONTRACT_NOT_ACTIVE", "TRAINING_INCOMPLETE"]
    again = client.post(f"/api/v1/contracts/{contract_id}/terminate", json=body, headers=labour)
    assert error(again)["code"] == "CONTRACT_TERMINATED"
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0  # 退场 keeps the seal


def test_template_placeholders_are_placeholders_only(client, site):
    """Issue 23, finding 10: no format spec, conversion or attribute access (422 naming it)."""
    labour = site.headers["labour"]
    url = f"/api/v1/projects/{site.project_id}/contract-template"
    template = client.get(url, headers=labour).get_json()
    for key in ("is_default", "placeholders", "required_placeholders", "required_clauses"):  # answer-only
        template.pop(key)
    base = template["body"]
    for bad in ("{worker_name:>99999999999999999999}", "{worker_name!r}", "{worker_name.__class__}",
                "{term[0]}", "{}"):
        resp = client.put(url, json={**template, "body": base + bad}, headers=labour)
        assert resp.status_code == 422, (bad, resp.get_json())
        assert error(resp)["code"] == "TEMPLATE_PLACEHOLDERS_INVALID" and bad[:20] in error(resp)["message"], bad
        assert error(resp)["details"]["invalid"] == [bad]
    assert client.put(url, json={**template, "body": base + "{{不是占位符}}"}, headers=labour).status_code == 200
