"""Each platform object as SiteRoll builds it passes the fake platform's own rules (written from the
standard, not from the app); each required field left out is refused there and reported by
SiteRoll as incomplete (with where to enter it) before anything is sent."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from devtools import fake_platform_rules as rules
from models import Membership, Project, Team, User, db
from models.oversight import PushEvent, PushStatus
from services.platform_push import outbox, payloads
from services.platform_push.missing import FIELDS, from_validation
from services.platform_push.wire import METHODS
from tests.oversight import platform_site as site
from tests.oversight import rows

KINDS = {"Team.Add": "team_created", "ProjectWorker.Add": "worker_enrolled", "WorkerEntryExit.Add": "worker_entered",
         "WorkerContract.Add": "contract_signed", "WorkerAttendance.Add": "clock_decided", "Payroll.Add": "pay_line_paid"}
LISTS = {"ProjectWorker.Add": "workerList", "WorkerEntryExit.Add": "workerList", "WorkerContract.Add": "contractList",
         "WorkerAttendance.Add": "dataList", "Payroll.Add": "detailList"}


@pytest.fixture
def objects(app, monkeypatch):
    """method -> the clear object SiteRoll would send (schema-checked), for one complete site."""
    site.address_seam(monkeypatch)
    s = site.build_site(app)
    with app.app_context():
        project = db.session.get(Project, s["project"])
        worker = db.session.get(User, s["worker"])
        pay = rows.payroll(project, "2026-10", db.session.get(User, s["admin_id"]), [(worker, 735000, "paid")])
        from models.payroll import PayrollLine

        line = db.session.execute(db.select(PayrollLine).where(PayrollLine.payroll_id == pay.id)).scalar_one()
        outbox.record_paid_line(line.id, project.id)
        outbox.collect()
        db.session.get(Team, s["team"]).platform_team_sys_no = "10000001"  # as Team.Add's result would set it
        db.session.execute(db.update(PushEvent).where(PushEvent.kind == "worker_enrolled")
                           .values(status=PushStatus.ACCEPTED.value))
        built = {}
        for method, kind in KINDS.items():
            event = db.session.execute(db.select(PushEvent).where(PushEvent.kind == kind)).scalar_one()
            built[method] = payloads.checked(event)
        db.session.rollback()
        return built


@pytest.mark.parametrize("method", sorted(KINDS))
def test_the_platform_accepts_each_object(objects, method):
    assert rules.check(method, objects[method]) == []


def _required(method: str) -> list[tuple[str, str | None]]:
    header, list_field, items = rules.REQUIRED[method]
    return [(f, None) for f in header] + [(f, list_field) for f in items]


CASES = [(m, f, lst) for m in sorted(KINDS) for f, lst in _required(m)]


@pytest.mark.parametrize(("method", "field", "list_field"), CASES, ids=[f"{m}-{f}" for m, f, _ in CASES])
def test_each_required_field_left_out_is_refused_there_and_incomplete_here(objects, method, field, list_field):
    data = copy.deepcopy(objects[method])
    (data[list_field][0] if list_field else data).pop(field)
    assert any(field in p and "不能为空" in p for p in rules.check(method, data))  # the platform refuses it
    with pytest.raises(ValidationError) as caught:  # and SiteRoll never sends it
        METHODS[method].model_validate(data)
    missing = from_validation(caught.value).items
    assert [m.field for m in missing] == [field] and missing[0].problem == "缺少"
    assert field in FIELDS  # the admin is told where to enter it


def test_a_profile_without_a_platform_field_is_incomplete_with_where_to_enter_it(app, monkeypatch):
    site.address_seam(monkeypatch)
    site.build_site(app, culture_level=None, id_issuer=None, trade="普工")
    with app.app_context():
        outbox.collect()
        db.session.execute(db.update(Team).values(platform_team_sys_no="10000001"))
        event = db.session.execute(db.select(PushEvent).where(PushEvent.kind == "worker_enrolled")).scalar_one()
        with pytest.raises(payloads.Incomplete) as caught:
            payloads.checked(event)
    fields = {m.field: m for m in caught.value.items}
    assert set(fields) == {"workType", "cultureLevelType", "grantOrg"}  # 普工 has no platform trade: pick another
    assert "实名信息" in fields["grantOrg"].where and fields["grantOrg"].label == "身份证发证机关"


def test_a_wrong_id_check_digit_never_leaves(app, monkeypatch):
    site.address_seam(monkeypatch)
    s = site.build_site(app)
    with app.app_context():
        from models import WorkerProfile
        from services.pii import encrypt_str, row_context

        p = db.session.execute(db.select(WorkerProfile).where(WorkerProfile.user_id == s["worker"])).scalar_one()
        p.id_number_enc = encrypt_str("44030419900101001X", context=row_context("worker_profiles", "id_number_enc", p.id))
        outbox.collect()
        db.session.execute(db.update(Team).values(platform_team_sys_no="10000001"))
        event = db.session.execute(db.select(PushEvent).where(PushEvent.kind == "worker_enrolled")).scalar_one()
        with pytest.raises(payloads.Incomplete) as caught:
            payloads.checked(event)
        assert [m.field for m in caught.value.items] == ["idCardNumber"]
        assert db.session.query(Membership).count() >= 1
    assert not rules.resident_id_ok("44030419900101001X") and rules.resident_id_ok("11010519491231002X")


def test_task_contract_without_an_end_date_is_incomplete(app, monkeypatch):
    s = site.build_site(app)
    with app.app_context():
        db.session.get(rows.Contract, s["contract"]).term_end = None
        outbox.collect()
        db.session.execute(db.update(PushEvent).where(PushEvent.kind == "worker_enrolled")
                           .values(status=PushStatus.ACCEPTED.value))
        event = db.session.execute(db.select(PushEvent).where(PushEvent.kind == "contract_signed")).scalar_one()
        with pytest.raises(payloads.Incomplete) as caught:
            payloads.checked(event)
    assert [m.field for m in caught.value.items] == ["endDate"]
