"""Objects in the store: encrypted at rest, read back whole, signed links, rows and objects in step."""

from __future__ import annotations

import io
import os
import re
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import func, select

from models import FaceCheck, FaceEvidence, StoredObject, db
from models.base import utcnow
from services.faces import retention
from services.storage import maintenance, objects
from services.storage.backends import KEY_RE
from services.storage.store import store
from tests.conftest import drain_jobs
from tests.faces.photos import face_bytes
from tests.faces.test_checks import WORKER_PROJECT, consenting_worker
from tests.factories import bearer
from tests.storage.conftest import fetch

JPEG_MARKERS = (b"\xff\xd8\xff", b"JFIF", b"Exif")


def upload(client, headers, kind: str, *frames: bytes, **fields):
    data = {"kind": kind, **fields, "frames": [(io.BytesIO(f), f"f{i}.jpg") for i, f in enumerate(frames)]}
    return client.post("/api/v1/faces/checks", data=data, headers=headers, content_type="multipart/form-data")


def evidence_of(check_id: int) -> FaceEvidence:
    return db.session.execute(select(FaceEvidence).where(FaceEvidence.check_id == check_id)).scalar_one()


def test_a_selfie_is_encrypted_at_rest_and_read_back_byte_identical(app, client, engine):
    with app.app_context():
        user = consenting_worker()
        headers, project_id = bearer(user), WORKER_PROJECT[user.id]
    photo = face_bytes("img2.jpg")
    assert upload(client, headers, "enroll", face_bytes("img1.jpg")).status_code == 202
    with app.app_context():
        drain_jobs(app, "face")
    resp = upload(client, headers, "clock", photo, project_id=str(project_id))
    assert resp.status_code == 202, resp.get_json()
    with app.app_context():
        drain_jobs(app, "face")  # the job read the photo back from the store
        check = db.session.get(FaceCheck, resp.get_json()["check_id"])
        assert check.status == "passed"
        row = db.session.get(StoredObject, evidence_of(check.id).photo_object_id)
        at_rest = store().get(row.key)
        assert not any(marker in at_rest for marker in JPEG_MARKERS)  # no clear face in the folder / bucket
        assert len(at_rest) == len(photo) + 16  # AES-GCM: same length plus the tag
        assert objects.read(row.id) == photo
        assert b"".join(objects.stream(row)) == photo
        assert row.size_bytes == len(photo) and row.context == f"face_evidence:{check.id}"
        assert KEY_RE.match(row.key)  # random: nothing of the row or the person in it


def test_an_object_moved_to_another_row_no_longer_decrypts(app, ctx):
    one = objects.put(b"signature one", context="contracts.signature_enc:1")
    two = objects.put(b"signature two", context="contracts.signature_enc:2")
    db.session.flush()
    one.context = two.context  # a row pointed at another row's object
    with pytest.raises(InvalidTag):
        objects.decrypt(one, store().get(one.key))
    one.context = "contracts.signature_enc:1"
    store().put(two.key, store().get(one.key), "application/octet-stream")  # an object copied under another key
    with pytest.raises(InvalidTag):
        objects.read(two.id)


def test_a_large_object_streams_in_chunks_and_a_tampered_one_fails(app, ctx):
    data = os.urandom(300 * 1024)  # several of the store's 64 KB chunks
    row = objects.put(data, context="test:pdf", content_type="application/pdf")
    db.session.commit()
    chunks = list(objects.stream(row))
    assert len(chunks) > 1 and b"".join(chunks) == data
    sealed = bytearray(store().get(row.key))
    sealed[-1] ^= 1  # the tag
    store().put(row.key, bytes(sealed), "application/octet-stream")
    with pytest.raises(InvalidTag):  # at the end of the stream
        b"".join(objects.stream(row))


def test_a_rolled_back_request_leaves_an_orphan_the_sweeper_removes(app, client, monkeypatch):
    with app.app_context():
        user = consenting_worker()
        headers = bearer(user)
        before = set(_all_keys())

    def fail(*_args, **_kwargs):
        raise RuntimeError("queue down after the photo was stored")

    monkeypatch.setattr("services.faces.checks.enqueue", fail)
    resp = upload(client, headers, "enroll", face_bytes("img1.jpg"))
    assert resp.status_code == 500
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(FaceCheck)).scalar_one() == 0
        assert db.session.execute(select(func.count()).select_from(StoredObject)).scalar_one() == 0
        (orphan,) = set(_all_keys()) - before  # the object was written before the row, which rolled back
        kept = objects.put(b"a committed object", context="test:1")
        db.session.commit()
        assert maintenance.sweep_orphans() == 0  # younger than a day: may belong to an open transaction
        assert store().exists(orphan)
        removed = maintenance.sweep_orphans(now=utcnow() + timedelta(days=2))
        assert removed >= 1 and not store().exists(orphan)
        assert store().exists(kept.key) and objects.read(kept.id) == b"a committed object"


def _all_keys() -> list[str]:
    return list(store().keys_older_than(utcnow() + timedelta(days=1)))


def test_retention_and_consent_withdrawal_delete_the_objects(app, client, engine):
    with app.app_context():
        user = consenting_worker()
        headers, project_id = bearer(user), WORKER_PROJECT[user.id]
    assert upload(client, headers, "enroll", face_bytes("img1.jpg")).status_code == 202
    with app.app_context():
        drain_jobs(app, "face")
    first = upload(client, headers, "clock", face_bytes("img2.jpg"), project_id=str(project_id)).get_json()["check_id"]
    second = upload(client, headers, "clock", face_bytes("img2.jpg"), project_id=str(project_id)).get_json()["check_id"]
    with app.app_context():
        drain_jobs(app, "face")
        keys = {c: db.session.get(StoredObject, evidence_of(c).photo_object_id).key for c in (first, second)}
        assert all(store().exists(k) for k in keys.values())
        db.session.execute(FaceEvidence.__table__.update().where(FaceEvidence.check_id == first)
                           .values(created_at=utcnow() - timedelta(days=91)))
        db.session.commit()
        assert retention.purge_evidence() == 1
        assert store().exists(keys[first])  # deleted after the commit, never before
        db.session.commit()
        assert not store().exists(keys[first]) and store().exists(keys[second])
        assert evidence_of(first).photo_object_id is None and evidence_of(first).sha256
    assert client.post("/api/v1/me/consents/biometric/withdraw", headers=headers).status_code == 200
    with app.app_context():
        assert not store().exists(keys[second])
        assert db.session.execute(select(func.count()).select_from(StoredObject)).scalar_one() == 0


def test_a_signed_url_works_until_it_expires_and_only_for_its_object(app, client, ctx):
    one = objects.put(b"first object", context="test:1")
    two = objects.put(b"second object", context="test:2")
    db.session.commit()
    url = store().signed_url(one.key, 3)
    status, body = fetch(client, url)
    assert status == 200 and objects.decrypt(one, body) == b"first object"  # the stored (sealed) bytes
    other = url.replace(quote(one.key), quote(two.key)).replace(one.key, two.key)
    assert other != url and fetch(client, other)[0] == 403  # the signature names one key
    longer = re.sub(r"([?&](?:X-Amz-)?[Ee]xpires=)", r"\g<1>9", url)  # folder: expires; S3: X-Amz-Expires
    assert longer != url and fetch(client, longer)[0] == 403  # a longer life is not for sale
    time.sleep(4.2)
    assert fetch(client, url)[0] == 403


def test_the_store_unreachable_answers_503_and_writes_nothing(app, client, store_down):
    with app.app_context():
        user = consenting_worker()
        headers = bearer(user)
        before = set(_all_keys())
    with store_down():
        resp = upload(client, headers, "enroll", face_bytes("img1.jpg"))
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["error"]["code"] == "STORAGE_UNAVAILABLE" and resp.headers.get("Retry-After")
    with app.app_context():
        for model in (FaceCheck, FaceEvidence, StoredObject):
            assert db.session.execute(select(func.count()).select_from(model)).scalar_one() == 0
        assert set(_all_keys()) == before


def test_the_face_job_retries_while_the_store_is_down(app, ctx, engine, store_down, monkeypatch):
    from services.faces import checks
    from services.storage.backends import StorageUnavailable
    from workers.faces import face_check_job

    monkeypatch.setattr("services.faces.checks.enqueue", lambda *a, **k: None)  # this test is the worker
    user = consenting_worker()
    check_id = checks.start_face_check(user.id, "enroll", [face_bytes("img1.jpg")]).id
    db.session.commit()
    with store_down(), pytest.raises(StorageUnavailable):
        face_check_job(check_id)  # raised: RQ (or the in-process runner) retries it with backoff
    db.session.rollback()
    check = db.session.get(FaceCheck, check_id, populate_existing=True)
    assert (check.status, check.attempts) == ("pending", 1)
    assert face_check_job(check_id) == "passed"  # the next attempt, the store back
    assert db.session.get(FaceCheck, check_id, populate_existing=True).attempts == 2
