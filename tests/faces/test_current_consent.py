"""Issue 23, one rule in one place: "current consent" is one predicate (services.consents.current_consent_sql)
used by the entry gate, face admission, the face job and the witnessed-clock rule."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime
from types import SimpleNamespace

from PIL import Image

from models import db
from services import consent_texts
from tests.api.enrollment_site import apply, error
from tests.api.enrollment_site import site as esite  # noqa: F401


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 110, 100)).save(out, "JPEG")
    return out.getvalue()


def test_after_the_biometric_text_changes_nothing_biometric_runs(app, client, esite, monkeypatch):  # noqa: F811
    s = esite
    apply(client, s, "worker")
    worker = s.headers["worker"]
    with app.app_context():
        from services.faces import checks

        check_id = checks.start_face_check(s.users["worker"], "enroll", [_jpeg()]).id
        db.session.commit()
    new = dataclasses.replace(consent_texts.CURRENT["biometric"],
                              version=consent_texts.CURRENT["biometric"].version + "-next")
    monkeypatch.setitem(consent_texts.CURRENT, "biometric", new)

    # face admission refuses a new selfie, as the gate says the consent is missing
    resp = client.post("/api/v1/faces/checks", data={"kind": "enroll", "frames": [(io.BytesIO(_jpeg()), "a.jpg")]},
                       headers=worker, content_type="multipart/form-data")
    assert resp.status_code == 403 and error(resp)["code"] == "CONSENT_REQUIRED", resp.get_json()
    # the face job does not process a selfie uploaded before
    with app.app_context():
        from services.faces.job import load_attempt

        assert load_attempt(check_id, SimpleNamespace(model_version="x")).consented is False
    # the witnessed-clock rule treats the worker as not consenting (no face failures needed first)
    witnessed = client.post(f"/api/v1/teams/{s.team_id}/witnessed-clocks", json={
        "user_id": s.users["worker"], "direction": "in", "taken_at": datetime.now(UTC).isoformat(),
        "latitude": 22.543096, "longitude": 114.057865, "accuracy_m": 10, "note": "本人在场，未同意新版人脸条款"},
        headers=s.headers["leader"])
    assert witnessed.status_code != 422 or error(witnessed)["code"] != "WITNESS_NOT_ALLOWED", witnessed.get_json()
