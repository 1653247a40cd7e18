"""Multi-frame templates (issue 15): an enrollment keeps every usable frame, a check matches the
closest, a passed contract-signing selfie joins them. Real photos, real jobs, real models.

The Ariel Sharon photos were picked by measurement (bench/face_calibrate.py cache, euclidean):
0006 -> 0004 is 0.605 (above the 0.55 threshold: a single-frame enrollment misses it), while
0001 -> 0004 is 0.497 and 0006 -> 0001 is 0.376 (one burst of the same man).
"""

from __future__ import annotations

import pytest

from tests.faces.test_checks import consenting_worker, project_of, run_check, templates_of

pytestmark = pytest.mark.slow

ENROLL_A, ENROLL_B, LATER = "lfw/Ariel_Sharon_0006.jpg", "lfw/Ariel_Sharon_0001.jpg", "lfw/Ariel_Sharon_0004.jpg"


def active(user_id: int) -> list:
    return sorted((t for t in templates_of(user_id) if t.status == "active"), key=lambda t: t.id)


def test_multi_frame_enrollment_matches_a_photo_a_single_frame_misses(app, ctx, engine) -> None:
    single = consenting_worker()
    assert run_check(app, single, "enroll", ENROLL_A).status == "passed"
    assert len(active(single.id)) == 1
    missed = run_check(app, single, "clock", LATER)
    assert (missed.status, missed.reason_code) == ("failed", "FACE_MISMATCH")
    assert missed.distance > missed.threshold

    burst = consenting_worker()
    enroll = run_check(app, burst, "enroll", ENROLL_A, ENROLL_B)
    assert enroll.status == "passed"
    templates = active(burst.id)
    assert len(templates) == 2 and {t.source_check_id for t in templates} == {enroll.id}
    assert enroll.template_id == templates[0].id
    matched = run_check(app, burst, "clock", LATER)
    assert (matched.status, matched.reason_code) == ("passed", None)
    assert matched.distance <= matched.threshold < missed.distance


def test_enrollment_burst_of_two_people_is_refused(app, ctx, engine) -> None:
    user = consenting_worker()
    check = run_check(app, user, "enroll", "img1.jpg", "img3.jpg")
    assert (check.status, check.reason_code) == ("failed", "ENROLL_FACE_CHANGED")
    assert check.details["distances"][0] > check.threshold
    assert active(user.id) == []


def test_passed_contract_selfie_joins_the_templates(app, ctx, engine) -> None:
    user = consenting_worker()
    enroll = run_check(app, user, "enroll", ENROLL_A)
    assert run_check(app, user, "clock", LATER).reason_code == "FACE_MISMATCH"

    # a stranger's contract selfie fails and adds nothing
    assert run_check(app, user, "contract", "img3.jpg").reason_code == "FACE_MISMATCH"
    assert len(active(user.id)) == 1

    contract = run_check(app, user, "contract", ENROLL_B)
    assert contract.status == "passed" and contract.template_id is not None
    assert {t.source_check_id for t in active(user.id)} == {enroll.id, contract.id}
    assert run_check(app, user, "clock", LATER).status == "passed"

    # only the latest contract selfie is kept beside the enrollment
    again = run_check(app, user, "contract", "lfw/Ariel_Sharon_0003.jpg")
    assert again.status == "passed"
    assert {t.source_check_id for t in active(user.id)} == {enroll.id, again.id}


def test_challenge_enrollment_keeps_its_frames_within_the_frontal_limits(app, ctx, engine) -> None:
    from tests.faces.test_checks import issue

    # img2 (yaw -9) then img11 (yaw +13): a real turn, both frames inside the 50 deg limit
    user = consenting_worker()
    enroll = run_check(app, user, "enroll", "img2.jpg", "img11.jpg", nonce=issue(user, "turn_left").nonce)
    assert (enroll.status, enroll.liveness_mode) == ("passed", "challenge")
    assert [t.source_check_id for t in active(user.id)] == [enroll.id, enroll.id]


def test_a_clock_in_is_still_one_frame_in_passive_mode(app, ctx, engine) -> None:
    from services.faces import checks
    from services.faces.reasons import FaceRejected
    from tests.faces.photos import face_bytes

    user = consenting_worker()
    assert run_check(app, user, "enroll", ENROLL_A).status == "passed"
    with pytest.raises(FaceRejected):
        checks.start_face_check(
            user.id, "clock", [face_bytes(ENROLL_A), face_bytes(ENROLL_B)], project_id=project_of(user)
        )
    newcomer = consenting_worker()
    with pytest.raises(FaceRejected) as err:
        checks.start_face_check(newcomer.id, "enroll", [face_bytes(ENROLL_A)] * 4)
    assert err.value.details["expected"] == [1, 3]
