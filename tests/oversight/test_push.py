"""Government platform push, the wire: the signature and the AES fields round-trip; a call that
times out is retried after a backoff; the same fact sent twice is kept once by its thirdSerialCode.
Deliveries run as jobs (an RQ worker on the real Redis queues with MariaDB, the in-process runner
embedded). The lifecycle and the objects: test_platform_lifecycle.py, test_platform_objects.py."""

from __future__ import annotations

import pytest

from infra import platform_protocol as protocol
from models import db
from models.base import utcnow
from models.oversight import PushEvent
from services.oversight.settings import oversight_settings_from
from services.platform_push import outbox
from tests.conftest import settings_changed
from tests.oversight import platform_site as site
from tests.oversight.platform_site import SECRET, fake, received, run_cycle

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def platform():
    from devtools.fake_platform import start_in_background

    server = start_in_background(SECRET, "siteroll-test", projects=(site.PROJECT_CODE,))
    server.state.timeout_seconds = 1.5
    yield server
    server.shutdown()


@pytest.fixture
def pushing(app, platform, monkeypatch):
    cfg = {"PLATFORM_PUSH_URL": platform.base_url, "PLATFORM_APPID": "siteroll-test", "PLATFORM_SECRET": SECRET,
           "PLATFORM_TIMEOUT_SECONDS": "0.5", "PLATFORM_PUSH_MAX_ATTEMPTS": "3"}
    for key, value in cfg.items():  # the RQ worker process reads them from its environment
        monkeypatch.setenv(f"SITEROLL_{key}", value)
    with settings_changed(app, oversight=oversight_settings_from(cfg)):
        yield platform


def test_protocol_round_trip():
    fields = {"appid": "a", "data": '{"x":1}', "format": "json", "method": "Team.Add", "nonce": "n",
              "timestamp": "20261120080000", "version": "1.0"}
    fields["sign"] = protocol.sign(fields, SECRET)
    assert protocol.verify(fields, SECRET) and not protocol.verify(fields | {"data": '{"x":2}'}, SECRET)
    token = protocol.encrypt_field(ID_NUMBER, SECRET)
    assert token != ID_NUMBER and protocol.decrypt_field(token, SECRET) == ID_NUMBER


def test_timeout_is_retried_and_a_fact_is_kept_once(app, pushing, monkeypatch):
    site.address_seam(monkeypatch)
    site.build_site(app)
    fake(pushing, "timeout", times=1)
    run_cycle(app)  # Team.Add times out: pending again, after a backoff
    with app.app_context():
        team = db.session.execute(db.select(PushEvent).where(PushEvent.kind == "team_created")).scalar_one()
        assert team.status == "pending" and team.attempts == 1 and "Timeout" in team.last_error
        assert team.next_attempt_at > utcnow()
    assert site.settle(app)["team_created"] == "accepted"
    # the same fact sent again (a job run twice, a resend) is kept once by its thirdSerialCode
    with app.app_context():
        assert outbox.collect() == 0
        team = db.session.execute(db.select(PushEvent).where(PushEvent.kind == "team_created")).scalar_one()
        team.status = "pending"
        db.session.commit()
    assert site.settle(app)["team_created"] == "accepted"
    assert sum(1 for r in received(pushing) if r["method"] == "Team.Add") == 1
