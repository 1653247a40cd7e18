"""Personal information: encrypted at rest, masked in answers, every clear read audited."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from models import AuditEntry, Project, db
from services import org, pii
from services.settings import parse_keyring
from tests.conftest import settings_changed
from tests.factories import login


def test_phone_reveal_is_audited(client, app):
    headers = login(client, "pii-owner")
    client.post("/api/v1/me/phone", json={"code": "fake-phone:13912345678"}, headers=headers)
    resp = client.get("/api/v1/me/phone", headers=headers)
    assert resp.get_json() == {"phone": "13912345678"}
    with app.app_context():
        reads = db.session.execute(select(AuditEntry).where(AuditEntry.action == "pii.read")).scalars().all()
        assert len(reads) == 1
        assert json.loads(reads[0].details) == {"field": "phone", "purpose": "self"}
        raw = db.session.execute(text("SELECT phone_enc, phone_masked FROM users")).first()
        assert "13912345678" not in raw[0] and raw[1] == "139****5678"


def test_wage_account_is_encrypted_and_masked(client, app):
    from services.demo import seed_demo

    with app.app_context():
        ids = seed_demo()
        db.session.commit()
    headers = login(client, "demo-admin")
    body = client.get(f"/api/v1/projects/{ids.project_id}", headers=headers).get_json()
    assert body["wage_account_no_masked"] == "4425************1234"
    assert "44250100000000001234" not in json.dumps(body)
    with app.app_context():
        project = db.session.get(Project, ids.project_id)
        assert "44250100000000001234" not in project.wage_account_no_enc
        assert pii.decrypt_str(project.wage_account_no_enc, context=org.wage_account_context(project)) == "44250100000000001234"


def test_masks():
    assert pii.mask_id_number("440301199001011234") == "4403**********1234"
    assert pii.mask_phone("13800138000") == "138****8000"
    assert pii.mask_bank_card("6222020200112233445") == "6222***********3445"


def test_key_rotation_keeps_old_rows_readable(app):
    with app.app_context():
        old = pii.encrypt_str("440301199001011234")
        rotated = parse_keyring("t2:" + "C" * 43 + "=," + app.config["PII_KEYS"], app.config["BLIND_INDEX_KEY"])
        with settings_changed(app, keyring=rotated):
            new = pii.encrypt_str("440301199001011234")
            assert new.split(".")[1] == "t2" and old.split(".")[1] == "t1"
            assert pii.decrypt_str(old) == pii.decrypt_str(new) == "440301199001011234"


def test_blind_index_is_stable_and_keyed(app):
    with app.app_context():
        a = pii.blind_index("440301199001011234", kind="id")
        assert a == pii.blind_index(" 440301199001011234 ", kind="id")
        assert a != pii.blind_index("440301199001011234", kind="bank")
        assert "440301" not in a
