"""Face checks end to end at the service level: real DB, real job runner, real models."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEntry, FaceChallenge, FaceCheck, FaceEvidence, FaceTemplate, db
from models.base import utcnow
from services.consents import grant_consent
from services.errors import Conflict, Forbidden, Unprocessable
from services.faces import checks
from services.faces.job import template_embedding
from services.faces.retention import purge_evidence
from tests.conftest import drain_jobs
from tests.faces.photos import face_bytes
from tests.factories import add_member, make_project, make_team, make_user
from workers.faces import face_check_job

pytestmark = pytest.mark.slow


WORKER_PROJECT: dict[int, int] = {}


def consenting_worker():
    """A consenting worker, active in a project (clock-ins and signatures name their project)."""
    from models import Role

    user = make_user()
    grant_consent(user.id, "biometric", "v2")
    admin = make_user()
    project = make_project(admin)
    add_member(project, user, Role.WORKER, make_team(admin, project))
    db.session.commit()
    WORKER_PROJECT[user.id] = project.id
    return user


def project_of(user) -> int:
    return WORKER_PROJECT[user.id]


def run_check(app, user, kind: str, *names: str, nonce: str | None = None) -> FaceCheck:
    project_id = None if kind == "enroll" else project_of(user)
    check = checks.start_face_check(user.id, kind, [face_bytes(n) for n in names], challenge_nonce=nonce,
                                    project_id=project_id)
    check_id = check.id
    db.session.commit()
    drain_jobs(app, "face")
    return db.session.get(FaceCheck, check_id)


def templates_of(user_id: int) -> list[FaceTemplate]:
    return list(db.session.execute(select(FaceTemplate).where(FaceTemplate.user_id == user_id)).scalars())


def test_enroll_then_clock_in(app, ctx, engine) -> None:
    user = consenting_worker()
    enroll = run_check(app, user, "enroll", "img1.jpg")
    assert (enroll.status, enroll.reason_code) == ("passed", None)
    assert enroll.model_name == "Dlib" and enroll.model_version == engine.model_version
    assert enroll.anti_spoof_real is True and enroll.anti_spoof_score > 0.5
    assert enroll.threshold == engine.settings.threshold and enroll.timings["total"] > 0 and enroll.attempts == 1
    (template,) = templates_of(user.id)
    assert enroll.template_id == template.id and template.status == "active"
    assert b"img1" not in template.embedding_enc.encode() and len(template_embedding(template)) == 128
    # templates, not photos: the enrollment frame is gone once the template exists
    evidence = db.session.execute(select(FaceEvidence).where(FaceEvidence.check_id == enroll.id)).scalar_one()
    assert evidence.photo_object_id is None and evidence.purged_at is not None

    same = run_check(app, user, "clock", "img2.jpg")
    assert same.status == "passed" and same.distance <= same.threshold
    other = run_check(app, user, "clock", "img3.jpg")
    assert (other.status, other.reason_code) == (
        "failed",
        "FACE_MISMATCH",
    ) and other.distance > other.threshold
    # clock-in frames are kept (encrypted) as attendance evidence
    kept = db.session.execute(select(FaceEvidence).where(FaceEvidence.check_id == same.id)).scalar_one()
    assert kept.photo_object_id and kept.purged_at is None
    # the job's reads of biometric data are on the audit log
    finished = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "face.check_finished", AuditEntry.object_id == str(same.id))).scalar_one()
    assert json.loads(finished.details)["biometric_read"] == {"frames": 1, "template_ids": [template.id]}


def test_spoof_and_gates_fail_the_check_with_a_code(app, ctx, engine) -> None:
    user = consenting_worker()
    assert run_check(app, user, "enroll", "img20.jpg").status == "passed"
    spoof = run_check(app, user, "clock", "spoof_sample_image_F2.jpg")
    assert (spoof.status, spoof.reason_code) == ("failed", "SPOOF_SUSPECTED")
    assert spoof.anti_spoof_real is False and spoof.anti_spoof_score < 0.5 and spoof.distance is None
    group = run_check(app, user, "clock", "couple.jpg")
    assert (group.status, group.reason_code) == ("failed", "FACE_MULTIPLE")


def test_re_enrollment_retires_the_old_template(app, ctx, engine) -> None:
    from models import Role
    from services.faces.admission import approve_reenrollment
    from tests.factories import add_member as member

    user = consenting_worker()
    first = run_check(app, user, "enroll", "img1.jpg")
    manager = make_user()
    from models import Project

    member(db.session.get(Project, project_of(user)), manager, Role.LABOUR_MANAGER)
    approve_reenrollment(manager.id, project_of(user), user.id)  # an enrolled, active worker needs it
    db.session.commit()
    second = run_check(app, user, "enroll", "img4.jpg")
    assert first.status == second.status == "passed"
    by_id = {t.id: t for t in templates_of(user.id)}
    assert by_id[first.template_id].status == "retired" and by_id[first.template_id].retired_at
    assert by_id[second.template_id].status == "active"


def test_requests_are_refused_up_front(app, ctx) -> None:
    stranger = make_user()
    db.session.commit()
    with pytest.raises(Forbidden):
        checks.start_face_check(stranger.id, "enroll", [face_bytes("img1.jpg")])
    user = consenting_worker()
    with pytest.raises(Unprocessable) as err:
        checks.start_face_check(user.id, "enroll", [b"not a photo"])
    assert err.value.code == "IMAGE_UNDECODABLE" and "照片" in err.value.message
    with pytest.raises(Unprocessable) as err:
        checks.start_face_check(user.id, "clock", [face_bytes("img1.jpg")], project_id=project_of(user))
    assert err.value.code == "NOT_ENROLLED"


def issue(user, movement: str) -> FaceChallenge:
    challenge = checks.issue_challenge(user.id)
    challenge.movement = movement  # the server picks at random; the test picks what the photos show
    db.session.commit()
    return challenge


def test_challenge_passes_once_and_refuses_a_replayed_nonce(app, ctx, engine) -> None:
    user = consenting_worker()
    assert run_check(app, user, "enroll", "img1.jpg").status == "passed"
    challenge = issue(user, "turn_left")
    done = run_check(app, user, "clock", "img2.jpg", "img11.jpg", nonce=challenge.nonce)
    assert (done.status, done.liveness_mode) == ("passed", "challenge")
    assert done.details["moved_deg"] >= 15
    db.session.refresh(challenge)
    assert challenge.used_by_check_id == done.id
    with pytest.raises(Conflict) as err:
        checks.start_face_check(
            user.id,
            "clock",
            [face_bytes("img2.jpg"), face_bytes("img11.jpg")],
            challenge_nonce=challenge.nonce,
            project_id=project_of(user),
        )
    assert err.value.code == "CHALLENGE_REPLAYED"


def test_nonce_sent_twice_before_the_jobs_ran_passes_only_once(app, ctx, engine) -> None:
    user = consenting_worker()
    assert run_check(app, user, "enroll", "img1.jpg").status == "passed"
    challenge = issue(user, "turn_left")
    frames = [face_bytes("img2.jpg"), face_bytes("img11.jpg")]
    ids = [
        checks.start_face_check(user.id, "clock", frames, challenge_nonce=challenge.nonce,
                                project_id=project_of(user)).id
        for _ in range(2)
    ]
    db.session.commit()
    drain_jobs(app, "face")
    results = sorted(
        (db.session.get(FaceCheck, i).status, db.session.get(FaceCheck, i).reason_code) for i in ids
    )
    assert results == [("failed", "CHALLENGE_REPLAYED"), ("passed", None)]


def test_challenge_identical_frames_and_expiry(app, ctx, engine) -> None:
    user = consenting_worker()
    assert run_check(app, user, "enroll", "img1.jpg").status == "passed"
    still = run_check(app, user, "clock", "img2.jpg", "img2.jpg", nonce=issue(user, "turn_left").nonce)
    assert (still.status, still.reason_code) == ("failed", "CHALLENGE_NOT_PERFORMED")
    late = issue(user, "turn_left")
    late.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Unprocessable) as err:
        checks.start_face_check(
            user.id, "clock", [face_bytes("img2.jpg"), face_bytes("img11.jpg")], challenge_nonce=late.nonce,
            project_id=project_of(user),
        )
    assert err.value.code == "CHALLENGE_EXPIRED"


def test_second_delivery_of_a_finished_job_changes_nothing(app, ctx, engine) -> None:
    user = consenting_worker()
    enroll = run_check(app, user, "enroll", "img1.jpg")
    assert face_check_job(enroll.id) == "passed"
    db.session.rollback()
    assert len(templates_of(user.id)) == 1
    assert db.session.get(FaceCheck, enroll.id).attempts == 1


def test_job_killed_mid_run_is_retried_and_leaves_one_result(app, ctx, engine, app_config, tmp_path) -> None:
    if app.config["JOBS_MODE"] == "rq":
        pytest.skip("covered against real Redis by test_worker_rq.py")
    user = consenting_worker()
    # queue an enrollment without letting the in-process runner have it
    check = checks.start_face_check(user.id, "enroll", [face_bytes("img1.jpg")])
    check_id = check.id
    db.session.info.pop("siteroll_jobs", None)
    db.session.commit()

    # attempt 1 runs in another process, killed once it has started (while it loads the models)
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(app_config))
    script = (
        "import json,sys; from app import create_app; from workers.faces import face_check_job;"
        f"a=create_app(json.load(open({str(config_file)!r})));"
        f"c=a.app_context(); c.push(); face_check_job({check_id})"
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=os.getcwd())
    try:
        deadline = time.monotonic() + 60
        while db.session.get(FaceCheck, check_id).attempts < 1:
            db.session.rollback()
            assert time.monotonic() < deadline and proc.poll() is None, "attempt 1 never started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    db.session.rollback()
    assert db.session.get(FaceCheck, check_id).status == "pending"

    # the retry (what RQ does with an abandoned job) finishes it; a late duplicate changes nothing
    assert face_check_job(check_id) == "passed"
    assert face_check_job(check_id) == "passed"
    db.session.rollback()
    done = db.session.get(FaceCheck, check_id)
    assert done.attempts == 2 and done.finished_at is not None
    assert (
        db.session.scalar(
            select(func.count()).select_from(FaceTemplate).where(FaceTemplate.user_id == user.id)
        )
        == 1
    )


def test_purge_evidence_after_retention(app, ctx, engine) -> None:
    user = consenting_worker()
    assert run_check(app, user, "enroll", "img1.jpg").status == "passed"
    clock = run_check(app, user, "clock", "img2.jpg")
    assert purge_evidence(now=utcnow() + timedelta(days=89)) == 0
    assert purge_evidence(now=utcnow() + timedelta(days=91)) == 1
    evidence = db.session.execute(select(FaceEvidence).where(FaceEvidence.check_id == clock.id)).scalar_one()
    assert evidence.photo_object_id is None and evidence.sha256  # the fingerprint stays, the photo goes
