"""Issue 23, one rule in one place: the faces area identifies a selfie among candidates (attendance's
buddy-punch search calls it): its threshold, current biometric consent only, every template read audited."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import numpy as np
from sqlalchemy import select

from models import AuditEntry, FaceCheck, FaceEvidence, FaceTemplate, db
from services import consents, pii
from services.consent_texts import CURRENT
from services.faces import identify as identify_module
from services.faces.engine import MODEL_NAME
from services.storage import objects
from tests.factories import make_user

PROBE = np.full(128, 0.1, np.float32)


class StubEngine:
    model_version = "stub-1"
    settings = SimpleNamespace(threshold=0.6)

    def analyze(self, photo: bytes, anti_spoof: bool = False):
        return SimpleNamespace(embedding=PROBE)


def _template(user, embedding: np.ndarray) -> None:
    db.session.add(FaceTemplate(user_id=user.id, embedding_enc=pii.encrypt_bytes(
        embedding.astype(np.float32).tobytes(), context=f"face_template:{user.id}"), model_name=MODEL_NAME,
        model_version="stub-1", detector="stub"))


def test_identify_searches_consenting_candidates_only_and_audits_the_read(app, monkeypatch):
    monkeypatch.setattr(identify_module, "face_engine", StubEngine)
    with app.app_context():
        clocker, consenting, withdrawn = make_user("clocker"), make_user("b1"), make_user("b2")
        for user in (consenting, withdrawn):
            consents.grant_consent(user.id, "biometric", CURRENT["biometric"].version)
        consents.withdraw_consent(withdrawn.id, "biometric")
        _template(consenting, PROBE + 0.02)
        _template(withdrawn, PROBE)  # the exact face, but no consent: never searched
        check = FaceCheck(user_id=clocker.id, kind="verify", liveness_mode="passive")
        db.session.add(check)
        db.session.flush()
        photo = b"selfie"
        stored = objects.put(photo, context=f"face_evidence:{check.id}", content_type="image/jpeg")
        db.session.add(FaceEvidence(check_id=check.id, frame_index=0, photo_object_id=stored.id,
                                    sha256=hashlib.sha256(photo).hexdigest(), size_bytes=6))
        db.session.flush()

        found = identify_module.identify(check.id, [consenting.id, withdrawn.id], purpose="buddy_punch:1")
        assert found is not None and found.user_id == consenting.id and found.searched == 1
        read = db.session.execute(select(AuditEntry).where(AuditEntry.action == "face.biometric_read")).scalar_one()
        assert "buddy_punch:1" in read.details
        assert identify_module.identify(check.id, [withdrawn.id]) is None
