"""Withdrawing biometric consent stops face processing, even of a selfie already uploaded."""

from __future__ import annotations

import pytest

from models import FaceCheck, FaceTemplate, db
from services.consents import grant_consent, withdraw_consent
from services.faces import checks
from tests.conftest import drain_jobs
from tests.faces.photos import face_bytes
from tests.factories import make_user

pytestmark = pytest.mark.slow


def test_a_check_queued_before_withdrawal_is_not_processed(app, ctx):
    user = make_user()
    grant_consent(user.id, "biometric", "v2")
    check = checks.start_face_check(user.id, "enroll", [face_bytes("img1.jpg")])
    withdraw_consent(user.id, "biometric")  # same transaction: the job only runs after this commit
    check_id, user_id = check.id, user.id
    db.session.commit()
    drain_jobs(app, "face")
    done = db.session.get(FaceCheck, check_id)
    assert (done.status, done.reason_code) == ("failed", "CONSENT_WITHDRAWN")
    assert db.session.query(FaceTemplate).filter_by(user_id=user_id).count() == 0
