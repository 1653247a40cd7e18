"""A finished face check is handed to the area that asked for it (purpose, purpose_id)."""

from __future__ import annotations

import pytest

from models import FaceCheck, db
from services.faces import checks
from services.faces.handover import hand_over, on_face_check_finished
from tests.conftest import drain_jobs
from tests.faces.photos import face_bytes
from tests.faces.test_checks import consenting_worker

seen: list[tuple[int, str, int | None]] = []


@on_face_check_finished("tests.handover")
def _record(check: FaceCheck) -> None:
    seen.append((check.id, check.status, check.purpose_id))


@on_face_check_finished("tests.refuses")
def _refuse(check: FaceCheck) -> None:
    raise RuntimeError("the area could not take the result")


def test_one_handler_per_purpose() -> None:
    with pytest.raises(ValueError):
        on_face_check_finished("tests.handover")(lambda check: None)


def test_a_purpose_without_handler_is_refused(app, ctx) -> None:
    user = consenting_worker()
    with pytest.raises(ValueError):
        checks.start_face_check(user.id, "enroll", [face_bytes("img1.jpg")], purpose="nobody.listens")
    with pytest.raises(LookupError):
        hand_over(FaceCheck(purpose="nobody.listens"))
    hand_over(FaceCheck(purpose=None))  # a check for the face area itself: nothing to hand over


@pytest.mark.slow
def test_the_result_is_handed_over_once_it_is_written(app, ctx, engine) -> None:
    seen.clear()
    user = consenting_worker()
    check = checks.start_face_check(user.id, "enroll", [face_bytes("img1.jpg")],
                                    purpose="tests.handover", purpose_id=41)
    check_id = check.id
    db.session.commit()
    drain_jobs(app, "face")
    assert seen == [(check_id, "passed", 41)]
    assert db.session.get(FaceCheck, check_id).purpose == "tests.handover"


@pytest.mark.slow
def test_a_failing_handler_rolls_the_result_back(app, ctx, engine) -> None:
    user = consenting_worker()
    check = checks.start_face_check(user.id, "enroll", [face_bytes("img1.jpg")], purpose="tests.refuses")
    check_id = check.id
    db.session.commit()
    drain_jobs(app, "face")
    # neither the result nor a template is kept: the job is retried, then fail-stale closes it
    assert db.session.get(FaceCheck, check_id).status == "pending"
    assert db.session.get(FaceCheck, check_id).template_id is None
