"""Issue 13 items 5, 6 and 9 for faces: no liveness downgrade, no template replacement at will,
withdrawn consent erases face data, the embedded mode runs the purges, scores stay with managers.
Check rows are written directly where the models would only slow the test down."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEntry, FaceCheck, FaceEvidence, FaceTemplate, Role, db
from models.base import utcnow
from services.consents import grant_consent
from services.errors import Forbidden
from services.faces import checks
from services.storage import objects
from tests.factories import add_member, bearer, make_project, make_team, make_user

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


def _site(app, *, liveness: str = "passive", status: str = "active"):
    with app.app_context():
        admin, worker, manager = make_user(), make_user(), make_user()
        grant_consent(worker.id, "biometric", "v2")
        project = make_project(admin)
        project.liveness_mode = liveness
        m = add_member(project, worker, Role.WORKER, make_team(admin, project))
        m.status = status
        add_member(project, manager, Role.LABOUR_MANAGER)
        db.session.commit()
        return project.id, worker.id, bearer(worker), bearer(manager)


def _enrolled(user_id: int) -> FaceCheck:
    check = FaceCheck(user_id=user_id, kind="enroll", liveness_mode="passive", status="passed",
                      distance=None, threshold=0.6, anti_spoof_score=0.97, anti_spoof_real=True,
                      model_name="Dlib", model_version="v-test", finished_at=utcnow())
    db.session.add(check)
    db.session.flush()
    db.session.add(FaceTemplate(user_id=user_id, source_check_id=check.id, embedding_enc="v1.t1.x",
                                model_name="Dlib", model_version="v-test", detector="dlib"))
    photo = objects.put(b"photo", context=f"face_evidence:{check.id}")
    db.session.add(FaceEvidence(check_id=check.id, frame_index=0, photo_object_id=photo.id, sha256="0" * 64,
                                size_bytes=10))
    db.session.commit()
    return check


def _upload(client, headers, kind: str, **fields):
    import io

    data = {"kind": kind, **fields, "frames": [(io.BytesIO(JPEG), "f.jpg")]}
    return client.post("/api/v1/faces/checks", data=data, headers=headers, content_type="multipart/form-data")


# ---- item 5


@pytest.mark.parametrize("kind", ["clock", "contract"])
def test_clock_and_contract_need_their_project(client, app, kind):
    _pid, _uid, worker, _ = _site(app)
    resp = _upload(client, worker, kind)
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "PROJECT_REQUIRED"
    assert resp.get_json()["error"]["message"]


def test_the_projects_liveness_mode_is_enforced(client, app):
    pid, _uid, worker, _ = _site(app, liveness="challenge")
    resp = _upload(client, worker, "clock", project_id=str(pid))
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "CHALLENGE_REQUIRED"


def test_a_pending_applicant_cannot_clock_in(client, app):
    pid, _uid, worker, _ = _site(app, status="pending")
    resp = _upload(client, worker, "clock", project_id=str(pid))
    assert resp.status_code == 404


def test_re_enrollment_of_an_approved_worker_needs_the_labour_manager(client, app):
    pid, uid, worker, manager = _site(app)
    with app.app_context():
        _enrolled(uid)
    refused = _upload(client, worker, "enroll")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "REENROLL_NEEDS_APPROVAL"
    url = f"/api/v1/projects/{pid}/members/{uid}/face-reenrollment"
    assert client.post(url, headers=worker).status_code == 403  # not their own call
    approved = client.post(url, headers=manager)
    assert approved.status_code == 201, approved.get_json()
    with app.app_context():
        first = checks.start_face_check(uid, "enroll", [JPEG])
        db.session.info.pop("siteroll_jobs", None)  # the models are not needed to see the gate
        db.session.commit()
        # the approval is held by that check; a second enrollment meanwhile is refused
        with pytest.raises(Forbidden):
            checks.start_face_check(uid, "enroll", [JPEG])
        db.session.rollback()
        # a failed enrollment leaves the approval usable; a passed one spends it
        db.session.get(FaceCheck, first.id).status = "failed"
        db.session.commit()
        second = checks.start_face_check(uid, "enroll", [JPEG])
        db.session.info.pop("siteroll_jobs", None)
        second.status = "passed"
        db.session.commit()
        with pytest.raises(Forbidden):
            checks.start_face_check(uid, "enroll", [JPEG])
        db.session.rollback()
        assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "face.reenroll_approved")).first()


def test_a_first_enrollment_or_an_unreviewed_worker_needs_no_approval(client, app):
    _pid, uid, worker, _ = _site(app, status="pending")
    with app.app_context():
        _enrolled(uid)
        check = checks.start_face_check(uid, "enroll", [JPEG])  # not yet approved: may retake freely
        db.session.info.pop("siteroll_jobs", None)
        db.session.rollback()
        assert check is not None


# ---- item 6


def test_withdrawing_biometric_consent_erases_templates_and_photos(client, app):
    _pid, uid, worker, _ = _site(app)
    with app.app_context():
        check_id = _enrolled(uid).id
    resp = client.post("/api/v1/me/consents/biometric/withdraw", headers=worker)
    assert resp.status_code == 200
    with app.app_context():
        assert db.session.execute(select(FaceTemplate).where(FaceTemplate.user_id == uid)).first() is None
        evidence = db.session.execute(select(FaceEvidence).where(FaceEvidence.check_id == check_id)).scalar_one()
        assert evidence.photo_object_id is None and evidence.purged_at is not None
        erased = db.session.execute(select(AuditEntry).where(AuditEntry.action == "face.biometrics_erased")
                                    ).scalar_one()
        assert '"templates": 1' in erased.details and '"photos": 1' in erased.details


def test_embedded_mode_runs_the_periodic_purges_when_it_starts_serving(app, app_config):
    from app import create_app

    with app.app_context():
        user = make_user()
        old = FaceCheck(user_id=user.id, kind="clock", liveness_mode="passive", status="passed",
                        created_at=utcnow() - timedelta(days=120))
        db.session.add(old)
        db.session.flush()
        photo = objects.put(b"photo", context=f"face_evidence:{old.id}")
        db.session.add(FaceEvidence(check_id=old.id, frame_index=0, photo_object_id=photo.id, sha256="1" * 64,
                                    size_bytes=10, created_at=utcnow() - timedelta(days=120)))
        db.session.commit()
        check_id = old.id
    embedded = create_app(dict(app_config, JOBS_MODE="inprocess", EMBEDDED_PERIODIC_JOBS=True))
    with embedded.app_context():
        assert "siteroll_periodic_jobs" not in embedded.extensions  # CLI commands never start it
    embedded.test_client().get("/healthz")
    periodic = embedded.extensions["siteroll_periodic_jobs"]
    try:
        deadline = time.monotonic() + 60
        with embedded.app_context():
            while True:
                photo = db.session.execute(select(FaceEvidence.photo_object_id)
                                           .where(FaceEvidence.check_id == check_id)).scalar_one()
                db.session.rollback()
                if photo is None:
                    break
                assert time.monotonic() < deadline, "the evidence purge never ran"
                time.sleep(0.05)
    finally:
        periodic.stop()
        from infra.jobs import wait_idle

        assert wait_idle(embedded, 60)


# ---- item 9


def test_the_worker_sees_status_and_reason_the_manager_sees_scores(client, app):
    pid, uid, worker, manager = _site(app)
    with app.app_context():
        check = _enrolled(uid)
        check.project_id = pid
        check.distance = 0.41
        db.session.commit()
        check_id = check.id
    own = client.get(f"/api/v1/faces/checks/{check_id}", headers=worker).get_json()
    assert own["status"] == "passed"
    assert not {"distance", "threshold", "anti_spoof_score", "model"} & set(own)
    review = client.get(f"/api/v1/projects/{pid}/faces/checks/{check_id}", headers=manager)
    assert review.status_code == 200
    assert review.get_json()["distance"] == 0.41 and review.get_json()["anti_spoof_score"] == 0.97
    assert client.get(f"/api/v1/projects/{pid}/faces/checks/{check_id}", headers=worker).status_code == 403
    other_pid, _other_worker, _w, other_manager = _site(app)
    # another project's labour manager: not this check, whatever project they name
    assert client.get(f"/api/v1/projects/{other_pid}/faces/checks/{check_id}", headers=other_manager
                      ).status_code == 404
