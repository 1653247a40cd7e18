"""Generated PDFs kept as issued: a sealed contract, a final wage sheet, each voucher (both backends)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select, update

from models import AuditEntry, Company, Contract, ContractTemplate, IssuedDocument, StoredObject, db
from services.contracts import pdf as contract_pdf_module
from services.days import business_day
from services.storage import objects
from services.storage.store import store
from tests.api.enrollment_site import Site, apply, site  # noqa: F401  (the enrollment site)
from tests.api.test_contracts import employer_signatory, signature_png
from tests.payroll.conftest import error, psite  # noqa: F401  (the payroll site)
from tests.payroll.test_approval_and_bank import approved, bank_rows, post_results, results_csv

pytestmark = pytest.mark.slow


def kept(kind: str, owner_id: int) -> list[IssuedDocument]:
    return list(db.session.execute(select(IssuedDocument).where(
        IssuedDocument.kind == kind, IssuedDocument.owner_id == owner_id).order_by(IssuedDocument.id)).scalars())


def assert_encrypted_at_rest(doc: IssuedDocument, served: bytes) -> None:
    row = db.session.get(StoredObject, doc.pdf_object_id)
    at_rest = store().get(row.key)
    assert b"%PDF" not in at_rest and b"%%EOF" not in at_rest  # no clear PDF in the folder / bucket
    assert row.content_type == "application/pdf" and row.size_bytes == len(served)
    assert objects.read(row.id) == served


def witnessed_worker_side(app, client, site: Site) -> tuple[int, dict[str, str]]:  # noqa: F811
    """A contract whose worker's side is signed (by hand, witnessed): the employer's signature seals it."""
    worker, labour = site.headers["worker"], site.headers["labour"]
    membership_id = apply(client, site)
    assert client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=labour).status_code == 200
    contract_id = client.get("/api/v1/me/contracts", headers=worker).get_json()["items"][0]["id"]
    signed = client.post(f"/api/v1/contracts/{contract_id}/sign", headers=worker, content_type="multipart/form-data",
                         data={"signature": (io.BytesIO(signature_png()), "sign.png")})
    assert signed.status_code == 202, signed.get_json()
    done = client.post(f"/api/v1/contracts/{contract_id}/witness", json={"note": "当面签名"}, headers=labour)
    assert done.status_code == 200 and done.get_json()["status"] == "worker_signed"
    return contract_id, employer_signatory(app, client, site, contract_id)


def employer_sign(client, headers, contract_id: int):
    return client.post(f"/api/v1/contracts/{contract_id}/employer-sign", headers=headers,
                       content_type="multipart/form-data", data={"signature": (io.BytesIO(signature_png()), "s.png")})


def download(client, headers, contract_id: int):
    resp = client.get(f"/api/v1/contracts/{contract_id}/pdf", headers=headers)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf", resp.get_data()[:300]
    return resp


def test_a_sealed_contract_is_kept_at_sealing_and_served_byte_identical_ever_after(
        app, client, site, monkeypatch):  # noqa: F811
    worker = site.headers["worker"]
    contract_id, signer = witnessed_worker_side(app, client, site)
    draft = download(client, worker, contract_id)
    assert draft.headers["X-Document-State"] == "draft" and draft.data.startswith(b"%PDF")
    with app.app_context():
        assert kept("contract", contract_id) == []  # a draft is rendered live, never kept

    assert employer_sign(client, signer, contract_id).get_json()["status"] == "signed"
    with app.app_context():
        (doc,) = kept("contract", contract_id)  # rendered in the sealing request
    first, second = download(client, worker, contract_id), download(client, site.headers["labour"], contract_id)
    assert first.headers["X-Document-State"] == "issued"
    assert first.data == second.data and first.data.startswith(b"%PDF")
    with app.app_context():
        assert_encrypted_at_rest(doc, first.data)

    # years later: the template, the company's name, the contract's employer line and the PDF code changed
    with app.app_context():
        company_id = db.session.get(Contract, contract_id).employer_company_id
        db.session.execute(update(Company).where(Company.id == company_id).values(name="改名后的建设公司"))
        db.session.execute(update(Contract).where(Contract.id == contract_id).values(employer_name="改名后的建设公司"))
        db.session.execute(update(ContractTemplate).values(title="新版劳动合同"))
        db.session.commit()
    monkeypatch.setitem(contract_pdf_module.STATUS_NAMES, "signed", "新的页脚")
    later = download(client, worker, contract_id)
    assert later.data == first.data

    terminated = client.post(f"/api/v1/contracts/{contract_id}/terminate", headers=site.headers["labour"],
                             json={"reason": "工程完工", "date": business_day().isoformat()})
    assert terminated.status_code == 200, terminated.get_json()
    assert download(client, worker, contract_id).data == first.data  # a terminated contract keeps its signed copy


def test_the_store_down_at_sealing_answers_503_and_the_contract_is_not_sealed(
        app, client, site, store_down):  # noqa: F811
    contract_id, signer = witnessed_worker_side(app, client, site)
    with app.app_context():
        objects_before = db.session.execute(select(func.count()).select_from(StoredObject)).scalar_one()
    with store_down():
        resp = employer_sign(client, signer, contract_id)
    assert resp.status_code == 503 and error(resp)["code"] == "STORAGE_UNAVAILABLE" and resp.headers["Retry-After"]
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        assert (contract.status, contract.employer_signed_at, contract.content_sha256) == ("worker_signed", None, None)
        assert kept("contract", contract_id) == []
        assert db.session.execute(select(func.count()).select_from(StoredObject)).scalar_one() == objects_before
        assert db.session.execute(select(AuditEntry.id).where(
            AuditEntry.action.in_(("contract.signed", "contract.employer_signed", "record.sealed")),
            AuditEntry.object_id == str(contract_id))).first() is None
    assert employer_sign(client, signer, contract_id).get_json()["status"] == "signed"  # the store back
    with app.app_context():
        assert len(kept("contract", contract_id)) == 1


def test_a_contract_sealed_by_a_batch_is_kept_at_its_first_download(app, client, site):  # noqa: F811
    contract_id, signer = witnessed_worker_side(app, client, site)
    batch = client.post(f"/api/v1/projects/{site.project_id}/contracts/employer-sign", headers=signer,
                        content_type="multipart/form-data",
                        data={"contract_ids": [str(contract_id)], "signature": (io.BytesIO(signature_png()), "s.png")})
    assert batch.status_code == 200 and [c["id"] for c in batch.get_json()["signed"]] == [contract_id]
    with app.app_context():
        assert kept("contract", contract_id) == []  # not rendered inside the batch
    first = download(client, site.headers["worker"], contract_id)
    second = download(client, site.headers["worker"], contract_id)
    assert first.headers["X-Document-State"] == second.headers["X-Document-State"] == "issued"
    assert first.data == second.data
    with app.app_context():
        (doc,) = kept("contract", contract_id)
        assert_encrypted_at_rest(doc, first.data)


def test_the_wage_sheet_is_live_until_every_line_is_settled_then_kept(app, client, psite):  # noqa: F811
    s = psite
    payroll_id = approved(client, s)
    url = f"/api/v1/payrolls/{payroll_id}/wage-sheet.pdf"
    live = client.get(url, headers=s.headers["labour"])
    assert live.status_code == 200 and live.headers["X-Document-State"] == "draft"  # approved, not yet paid
    rows = bank_rows(client, s, payroll_id)
    post_results(client, s, payroll_id, results_csv(*[(r["line_ref"], "paid", r["amount_fen"], "") for r in rows]))
    with app.app_context():
        assert kept("wage_sheet", payroll_id) == []  # kept at the first download after finality
    first = client.get(url, headers=s.headers["labour"])
    second = client.get(url, headers=s.headers["approver"])
    assert first.headers["X-Document-State"] == "issued" and first.data == second.data
    with app.app_context():
        (doc,) = kept("wage_sheet", payroll_id)
        assert_encrypted_at_rest(doc, first.data)
        db.session.execute(update(Company).values(name="改名公司"))
        db.session.commit()
    assert client.get(url, headers=s.headers["labour"]).data == first.data


def test_each_voucher_is_kept_when_issued_and_the_store_down_issues_none(app, client, psite, store_down):  # noqa: F811
    s = psite
    payroll_id = approved(client, s)
    url = f"/api/v1/payrolls/{payroll_id}/voucher.pdf"
    rows = bank_rows(client, s, payroll_id)
    post_results(client, s, payroll_id, results_csv((rows[0]["line_ref"], "paid", rows[0]["amount_fen"], ""),
                                                    (rows[1]["line_ref"], "failed", rows[1]["amount_fen"], "户名不符")))
    with store_down():
        down = client.get(url, headers=s.headers["labour"])
    assert down.status_code == 503 and error(down)["code"] == "STORAGE_UNAVAILABLE"
    with app.app_context():
        assert kept("voucher", payroll_id) == []
        assert db.session.execute(select(AuditEntry.id).where(  # not issued: not sealed either
            AuditEntry.action == "record.sealed", AuditEntry.object_type == "payroll_voucher")).first() is None
    first = client.get(url, headers=s.headers["labour"])
    assert first.status_code == 200 and first.headers["X-Document-State"] == "issued"
    with app.app_context():
        db.session.execute(update(Company).values(name="改名公司"))
        db.session.commit()
    again = client.get(url, headers=s.headers["labour"])
    assert again.data == first.data and again.headers["X-Content-SHA256"] == first.headers["X-Content-SHA256"]
    with app.app_context():
        (doc,) = kept("voucher", payroll_id)
        assert_encrypted_at_rest(doc, first.data)

    later = [r for r in bank_rows(client, s, payroll_id) if r["line_ref"] not in (rows[0]["line_ref"],)]
    post_results(client, s, payroll_id, results_csv(*[(r["line_ref"], "paid", r["amount_fen"], "") for r in later]))
    newer = client.get(url, headers=s.headers["labour"])
    assert newer.status_code == 200 and newer.data != first.data  # more lines paid: a new voucher
    with app.app_context():
        older, newest = kept("voucher", payroll_id)  # the first one stays kept, as issued
        assert older.id == doc.id and newest.revision > older.revision


def test_forget_deletes_the_kept_object_after_the_commit(app, ctx):
    from services.storage import issued

    doc = issued.keep("voucher", 999, b"%PDF-1.4 a kept voucher", revision=7)
    db.session.commit()
    key = db.session.get(StoredObject, doc.pdf_object_id).key
    assert issued.find("voucher", 999, 7) is not None and b"".join(issued.body(doc)) == b"%PDF-1.4 a kept voucher"
    assert issued.forget([doc]) == 1
    assert store().exists(key)  # never before the commit
    db.session.commit()
    assert not store().exists(key) and issued.find("voucher", 999, 7) is None


def test_the_face_job_that_seals_a_contract_retries_while_the_store_is_down(
        app, client, site, engine, monkeypatch):  # noqa: F811
    """The worker's face check passes in the job after the employer signed: sealing happens there."""
    from models import FaceCheck
    from services.storage import issued
    from services.storage.backends import StorageUnavailable
    from tests.api.test_contracts import approved_worker, sign
    from workers.faces import face_check_job

    worker = site.headers["worker"]
    _, contract_id = approved_worker(app, client, site)
    signer = employer_signatory(app, client, site, contract_id)
    assert employer_sign(client, signer, contract_id).get_json()["status"] == "employer_signed"
    monkeypatch.setattr("services.faces.checks.enqueue", lambda *a, **k: None)  # this test is the worker
    check_id = sign(client, worker, contract_id, "img2.jpg").get_json()["face_check_id"]
    real_keep = issued.keep

    def store_down(*_args, **_kwargs):
        raise StorageUnavailable()

    monkeypatch.setattr(issued, "keep", store_down)
    with app.app_context():
        with pytest.raises(StorageUnavailable):
            face_check_job(check_id)  # raised: RQ (or the in-process runner) retries it
        db.session.rollback()
        contract = db.session.get(Contract, contract_id)
        assert (contract.status, contract.content_sha256) == ("signing", None) and kept("contract", contract_id) == []
        assert db.session.get(FaceCheck, check_id).status == "pending"
        monkeypatch.setattr(issued, "keep", real_keep)
        assert face_check_job(check_id) == "passed"  # the next attempt, the store back
        assert db.session.get(Contract, contract_id, populate_existing=True).status == "signed"
        assert len(kept("contract", contract_id)) == 1
