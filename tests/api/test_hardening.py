"""The smaller holes of issue 13, item 11: row-bound ciphertexts, no-store, parameters out of
logs, logout-all audited, ids never reused."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from models import AuditEntry, db
from services import auth, pii
from tests.factories import bearer, login, make_user


def test_ciphertext_moved_to_another_row_does_not_decrypt(app, ctx):
    a, b = make_user("aead-a"), make_user("aead-b")
    a.phone_enc = pii.encrypt_str("13800000001", context=auth.phone_context(a))
    b.phone_enc = a.phone_enc  # copied by someone with database access
    db.session.flush()
    assert auth.reveal_phone(a, actor_id=a.id, purpose="self") == "13800000001"
    with pytest.raises(InvalidTag):
        auth.reveal_phone(b, actor_id=b.id, purpose="self")
    with pytest.raises(InvalidTag):  # nor in another column of the same row
        pii.decrypt_str(a.phone_enc, context=auth.session_key_context(a))


def test_personal_answers_are_not_cached(client, app):
    headers = login(client, "cache-me")
    for resp in (client.get("/api/v1/me", headers=headers), client.get("/api/v1/me/phone", headers=headers),
                 client.post("/api/v1/auth/login", json={"code": "fake:cache-me"}),
                 client.get("/api/v1/me")):
        assert resp.headers.get("Cache-Control") == "no-store", resp.status_code


def test_sql_parameters_stay_out_of_errors_and_logs(app, ctx):
    assert db.engine.hide_parameters is True
    with pytest.raises(DBAPIError) as caught:
        db.session.execute(text("SELECT id FROM users WHERE no_such_column = :phone"), {"phone": "13800000000"})
    assert "13800000000" not in str(caught.value) and "hidden" in str(caught.value)


def test_job_arguments_stay_out_of_rq_logs(app):
    if app.config["JOBS_MODE"] != "rq":
        pytest.skip("RQ only: the in-process runner logs no arguments")
    from infra import jobs

    with app.app_context():
        user = make_user("job-args")
        jobs.enqueue("workers.notifications.send_subscribe_message", user.id, "TPL_SECRET",
                     {"thing1": "13800000000"}, None)
        db.session.commit()
        queued = jobs.rq_queue(app, "default").jobs
    assert queued and all("13800000000" not in (j.description or "") for j in queued)
    assert queued[-1].description == "workers.notifications.send_subscribe_message"


def test_logout_all_is_audited(client, app):
    headers = login(client, "leaver")
    assert client.post("/api/v1/auth/logout-all", headers=headers).status_code == 200
    with app.app_context():
        actions = list(db.session.execute(select(AuditEntry.action)).scalars())
    assert "auth.logout_all" in actions


def test_ids_are_never_reused_so_old_tokens_never_fit(client, app):
    with app.app_context():
        old = make_user("deleted-later")
        db.session.commit()
        old_id, old_token = old.id, bearer(old)
        db.session.delete(old)
        db.session.commit()
        newcomer = make_user("newcomer")
        db.session.commit()
        assert newcomer.id != old_id
    resp = client.get("/api/v1/me", headers=old_token)
    assert resp.status_code == 401


def test_sqlite_tables_say_autoincrement(app, ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("MariaDB never reuses AUTO_INCREMENT ids")
    ddl = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = 'users'")).scalar_one()
    assert "AUTOINCREMENT" in ddl
