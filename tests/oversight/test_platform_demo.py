"""Demo data passes the platform's checks as real data would: every seeded worker's ID number has a
valid check digit (python-stdnum and the fake platform's own GB 11643 check), and every code in a
seeded profile or object comes from the dictionaries. What the demo honestly lacks (issue 26's
address, a head photo where no contract was signed with a selfie) is listed, never an invalid value."""

from __future__ import annotations

import pytest
from stdnum.cn import ric

from devtools import fake_platform_rules as rules
from models import Team, WorkerProfile, db
from models.oversight import PushEvent
from services.enrollment.trades import platform_code
from services.pii import decrypt_str, row_context
from services.platform_push import outbox, payloads
from services.platform_push.dictionaries import load
from tests.oversight import platform_site as site

pytestmark = pytest.mark.slow
INVALID_VALUE_FIELDS = {"idCardNumber", "teamLeaderIdNumber", "responsiblePersonIdNumber", "workType", "nation",
                        "cultureLevelType", "politicsType", "payRollBankCode", "payBankCode", "payRollTopBankCode"}


def test_seeded_workers_pass_the_platform_checks(app, monkeypatch):
    site.address_seam(monkeypatch)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        profiles = db.session.execute(db.select(WorkerProfile)).scalars().all()
        assert len(profiles) > 30
        for p in profiles:
            number = decrypt_str(p.id_number_enc, context=row_context("worker_profiles", "id_number_enc", p.id))
            assert ric.is_valid(number) and rules.resident_id_ok(number), p.user_id
            assert platform_code(p.trade) in load("work_type").codes, p.trade
            assert p.nation in load("nation").codes and p.culture_level in load("culture_level_type").codes
            assert p.political_status in load("politics_type").codes and p.id_issuer
        outbox.collect()
        db.session.execute(db.update(Team).values(platform_team_sys_no="10000001"))
        db.session.execute(db.update(PushEvent).where(PushEvent.kind == "worker_enrolled").values(status="accepted"))
        problems: dict[str, int] = {}
        for event in db.session.execute(db.select(PushEvent)).scalars():
            try:
                payloads.checked(event)
            except payloads.Incomplete as gap:
                for m in gap.items:
                    problems[f"{m.field}: {m.problem}"] = problems.get(f"{m.field}: {m.problem}", 0) + 1
        db.session.rollback()
    assert not [p for p in problems if p.split(":")[0] in INVALID_VALUE_FIELDS and "缺少" not in p], problems
