"""Issues 26/27's images in the object store, on whichever store the session has (folder or S3):
employer signatures, 变更协议 signatures, the company e-seal, ID-card and paper-consent photos are
encrypted at rest, read back byte-identical, replaced and purged through objects.discard, and a
store that does not answer makes their uploads 503 with nothing written."""

from __future__ import annotations

import hashlib
import io
from datetime import date

from sqlalchemy import func, select

from models import Company, Consent, Contract, ContractAmendment, IdentityVerification, StoredObject, db
from services import pii
from services.companies import seal_png
from services.consent_texts import CURRENT
from services.contracts.amendments import amendment_signature_png
from services.contracts.parties import employer_signature_png
from services.contracts.signing import clean_signature
from services.retention.job import apply_retention
from services.storage import objects
from services.storage.store import store
from tests.api.enrollment_site import Site, apply, error
from tests.api.test_contracts import (
    approved_worker,
    employer_sign,
    employer_signatory,
    pdf_text,
    sign,
    signature_png,
)
from tests.conftest import drain_jobs
from tests.faces.photos import face_bytes
from tests.storage.owners import JPEG_MARKERS, PNG_MARKERS, image
from tests.storage.test_objects import _all_keys


def at_rest(object_id: int | None, clear: bytes, table: str, column: str, row_id: int) -> StoredObject:
    """The object holds ciphertext only (no image marker), under the old column's associated data."""
    row = db.session.get(StoredObject, object_id)
    sealed = store().get(row.key)
    assert not any(marker in sealed for marker in PNG_MARKERS + JPEG_MARKERS)
    assert len(sealed) == len(clear) + 16  # AES-GCM: the same length plus the tag
    assert row.context == pii.row_context(table, column, row_id)
    assert objects.read(object_id) == clear and row.sha256 == hashlib.sha256(clear).hexdigest()
    return row


def _company_id(client, site: Site) -> int:
    participants = client.get(f"/api/v1/projects/{site.project_id}/participants", headers=site.headers["admin"])
    return participants.get_json()["items"][0]["company_id"]


def _put_seal(client, site: Site, company_id: int, png: bytes):
    return client.put(f"/api/v1/companies/{company_id}/seal", data={"seal": (io.BytesIO(png), "seal.png")},
                      headers=site.headers["admin"], content_type="multipart/form-data")


def test_signatures_and_the_seal_are_encrypted_at_rest_and_read_back(app, client, site: Site, engine):
    worker, labour = site.headers["worker"], site.headers["labour"]
    _, contract_id = approved_worker(app, client, site)
    signer = employer_signatory(app, client, site)
    assert sign(client, worker, contract_id, "img2.jpg").status_code == 202
    with app.app_context():
        drain_jobs(app, "face")
    assert employer_sign(client, signer, contract_id).get_json()["status"] == "signed"  # handwritten
    handwritten = clean_signature(signature_png())  # what the route stores: decoded and re-encoded
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        at_rest(contract.employer_signature_object_id, handwritten, "contracts", "employer_signature_enc", contract_id)
        assert employer_signature_png(contract) == handwritten
    assert "授权签署人签名时间" in pdf_text(client, worker, contract_id)  # the PDF reads it from the store

    company_id = _company_id(client, site)
    seal = image("PNG", "red", (120, 120))
    assert _put_seal(client, site, company_id, seal).get_json()["has_seal"] is True
    with app.app_context():
        company = db.session.get(Company, company_id)
        first = at_rest(company.seal_object_id, clean_signature(seal), "companies", "seal_enc", company_id)
        assert seal_png(company) == clean_signature(seal)

    url = f"/api/v1/contracts/{contract_id}/amendments"
    change = {"wage_amount_fen": 40000, "term_end": "2030-12-31", "effective_from": "2027-01-01"}
    amendment_id = client.post(url, json=change, headers=labour).get_json()["id"]
    data = {"signature": (io.BytesIO(signature_png()), "s.png"), "photo": [(io.BytesIO(face_bytes("img2.jpg")), "s.jpg")]}
    signing = client.post(f"/api/v1/contract-amendments/{amendment_id}/sign", data=data, headers=worker,
                          content_type="multipart/form-data")
    assert signing.status_code == 202, signing.get_json()
    with app.app_context():
        drain_jobs(app, "face")
    done = client.post(f"/api/v1/contract-amendments/{amendment_id}/employer-sign", data={"use_seal": "true"},
                       headers=signer, content_type="multipart/form-data")
    assert done.status_code == 200 and done.get_json()["status"] == "signed", done.get_json()
    with app.app_context():
        amendment = db.session.get(ContractAmendment, amendment_id)
        at_rest(amendment.signature_object_id, handwritten, "contract_amendments", "signature_enc", amendment_id)
        assert amendment_signature_png(amendment) == handwritten
        at_rest(amendment.employer_signature_object_id, clean_signature(seal), "contract_amendments",
                "employer_signature_enc", amendment_id)  # the seal, applied: its own object, bound to this row
        assert employer_signature_png(amendment, "contract_amendment") == clean_signature(seal)

    other = image("PNG", "blue", (120, 120))  # a new seal replaces the old one; its object goes after commit
    assert _put_seal(client, site, company_id, other).status_code == 200
    with app.app_context():
        assert not store().exists(first.key) and db.session.get(StoredObject, first.id) is None
        assert seal_png(db.session.get(Company, company_id)) == clean_signature(other)


def test_id_card_and_consent_form_photos_in_the_store_replaced_and_purged(app, client, site: Site):
    labour = site.headers["labour"]
    apply(client, site, identity=False)
    worker_id = site.users["worker"]
    card = image("JPEG", "gray", (320, 200))
    url = f"/api/v1/projects/{site.project_id}/workers/{worker_id}/identity-verifications"
    resp = client.post(url, data={"method": "on_site", "note": "核对身份证原件", "document_photo": (io.BytesIO(card), "c.jpg")},
                       headers=labour, content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    verification_id = resp.get_json()["id"]
    photo_url = f"/api/v1/projects/{site.project_id}/identity-verifications/{verification_id}/document-photo"
    served = client.get(photo_url, headers=labour)
    assert served.status_code == 200 and served.data == card and served.mimetype == "image/jpeg"

    consent_url = f"/api/v1/projects/{site.project_id}/workers/{worker_id}/consents"
    forms = [image("PNG", "white", (200, 280)), image("PNG", "yellow", (200, 280))]
    for form in forms:  # the same consent recorded twice: the later photo replaces the earlier
        resp = client.post(consent_url, headers=labour, content_type="multipart/form-data", data={
            "kind": "privacy_policy", "version": CURRENT["privacy_policy"].version,
            "form_photo": (io.BytesIO(form), "form.png")})
        assert resp.status_code == 201, resp.get_json()
    consent_id = resp.get_json()["id"]
    with app.app_context():
        verification = db.session.get(IdentityVerification, verification_id)
        card_object = at_rest(verification.document_photo_object_id, card, "identity_verifications",
                              "document_photo_enc", verification_id)
        assert card_object.content_type == "image/jpeg"
        consent = db.session.get(Consent, consent_id)
        at_rest(consent.form_photo_object_id, forms[1], "consents", "form_photo_enc", consent_id)
        forms_kept = db.session.scalar(select(func.count()).select_from(StoredObject).where(
            StoredObject.context == pii.row_context("consents", "form_photo_enc", consent_id)))
        assert forms_kept == 1  # the first form's object was discarded

        assert apply_retention(today=date(2099, 1, 1)).get("id_card_photo") == 1
        assert store().exists(card_object.key)  # deleted after the commit, never before
        db.session.commit()
        assert not store().exists(card_object.key)
        verification = db.session.get(IdentityVerification, verification_id)
        assert verification.document_photo_object_id is None and verification.document_photo_purged_at
        assert db.session.get(Consent, consent_id).form_photo_object_id is not None  # kept with the consent
    assert client.get(photo_url, headers=labour).status_code == 404


def test_the_store_unreachable_answers_503_and_nothing_is_written(app, client, site: Site, store_down):
    labour = site.headers["labour"]
    membership_id = apply(client, site, identity=False)
    verified = client.post(f"/api/v1/projects/{site.project_id}/workers/{site.users['worker']}/identity-verifications",
                           data={"method": "on_site", "note": "核对身份证原件"}, headers=labour,
                           content_type="multipart/form-data")  # no photo: nothing for the store
    assert verified.status_code == 201
    contract_id = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=labour).get_json()["contract_id"]
    signer = employer_signatory(app, client, site)
    company_id = _company_id(client, site)
    worker_id = site.users["worker"]
    with app.app_context():
        counts = {m: db.session.scalar(select(func.count()).select_from(m))
                  for m in (StoredObject, IdentityVerification, Consent)}
        before_keys = set(_all_keys())
    with store_down():
        answers = [
            _put_seal(client, site, company_id, image("PNG", "red", (120, 120))),
            employer_sign(client, signer, contract_id),
            client.post(f"/api/v1/projects/{site.project_id}/workers/{worker_id}/identity-verifications",
                        data={"method": "on_site", "note": "核对", "document_photo": (io.BytesIO(image("JPEG")), "c.jpg")},
                        headers=labour, content_type="multipart/form-data"),
            client.post(f"/api/v1/projects/{site.project_id}/workers/{worker_id}/consents", headers=labour,
                        content_type="multipart/form-data", data={
                            "kind": "privacy_policy", "version": CURRENT["privacy_policy"].version,
                            "form_photo": (io.BytesIO(image("PNG")), "form.png")}),
        ]
    for resp in answers:
        assert resp.status_code == 503 and error(resp)["code"] == "STORAGE_UNAVAILABLE", resp.get_json()
        assert resp.headers.get("Retry-After")
    with app.app_context():
        company = db.session.get(Company, company_id)
        assert (company.seal_object_id, company.seal_sha256) == (None, None)
        contract = db.session.get(Contract, contract_id)
        assert (contract.status, contract.employer_signed_at, contract.employer_signature_object_id,
                contract.employer_signer_id) == ("unsigned", None, None, None)
        assert {m: db.session.scalar(select(func.count()).select_from(m)) for m in counts} == counts
        assert db.session.scalar(select(func.count()).select_from(Consent).where(Consent.method == "paper")) == 0
        assert set(_all_keys()) == before_keys
