"""The whole lifecycle against the fake platform, which validates on its own rules and answers
writes asynchronously: Team.Add → teamSysNo learned; 进场 (ProjectWorker.Add + WorkerEntryExit type 1
with the signed contract as voucher); a decided clock with its photo; the contract; a paid pay line;
退场. A record the platform rejects is listed with the reason and accepted once fixed and resent."""

from __future__ import annotations

import pytest

from models import Membership, Project, User, db
from services.oversight.settings import oversight_settings_from
from services.platform_push import outbox
from tests.conftest import settings_changed
from tests.oversight import platform_site as site
from tests.oversight import rows


@pytest.fixture
def platform():
    from devtools.fake_platform import start_in_background

    server = start_in_background(site.SECRET, "siteroll-test", projects=(site.PROJECT_CODE,))
    server.state.timeout_seconds = 1.5
    yield server
    server.shutdown()


@pytest.fixture
def pushing(app, platform, monkeypatch):
    cfg = {"PLATFORM_PUSH_URL": platform.base_url, "PLATFORM_APPID": "siteroll-test", "PLATFORM_SECRET": site.SECRET,
           "PLATFORM_TIMEOUT_SECONDS": "0.5", "PLATFORM_PUSH_MAX_ATTEMPTS": "3"}
    for key, value in cfg.items():  # the RQ worker process reads them from its environment
        monkeypatch.setenv(f"SITEROLL_{key}", value)
    site.address_seam(monkeypatch)
    with settings_changed(app, oversight=oversight_settings_from(cfg)):
        yield platform


def test_enrolled_worker_goes_through_the_whole_lifecycle(app, client, pushing):
    s = site.build_site(app)
    site.run_cycle(app)
    first = site.statuses(app)
    assert first["team_created"] == "sent"  # answered with a requestSerialCode: not delivered yet
    assert first["worker_enrolled"] == "incomplete"  # names a team the platform has not numbered yet
    assert site.event(app, "worker_enrolled").missing[0]["field"] == "teamSysNo"
    assert site.received(pushing) == []  # nothing is accepted before the result is asked
    site.make_due(app)
    site.run_cycle(app)  # AsyncHandleResult.Query answers 0 待处理: still sent, asked again after a longer wait
    team = site.event(app, "team_created")
    assert (team.status, team.queries) == ("sent", 1) and team.request_serial_code.startswith("team-add-")
    dash = client.get(f"/api/v1/projects/{s['project']}/dashboard", headers=s["admin"]).get_json()
    assert (dash["push"]["sent"], dash["push"]["accepted"]) == (1, 0)  # sent is not delivered

    done = site.settle(app)
    assert done == {"team_created": "accepted", "worker_enrolled": "accepted", "worker_entered": "accepted",
                    "contract_signed": "accepted", "clock_decided": "accepted"}
    assert site.team_sys_no(app, s["team"]) is not None  # taken from Team.Add's asynchronous result
    got = {r["method"] + r["data"].get("thirdSerialCode", "").split(":")[0]: r["data"] for r in site.received(pushing)}
    worker = got["ProjectWorker.AddProjectWorker"]
    assert worker["teamSysNo"] == site.team_sys_no(app, s["team"]) and worker["projectCode"] == site.PROJECT_CODE
    item = worker["workerList"][0]
    assert item["workType"] == "020" and item["nation"] == "汉族" and item["headImage"].startswith("data:image/jpeg")
    entry = got["WorkerEntryExit.AddWorkerEntry"]["workerList"][0]
    assert entry["type"] == "1" and entry["voucher"].startswith(f"SiteRoll劳动合同{s['contract']}")
    attendance = got["WorkerAttendance.AddWorkerAttendanceClock"]["dataList"][0]
    assert attendance["direction"] == "01" and attendance["attendType"] == "001" and attendance["image"]
    assert attendance["lat"] == "22.540000"
    assert got["WorkerContract.AddWorkerContract"]["contractList"][0]["contractPeriodType"] == "0"

    with app.app_context():  # payroll pays the line and calls the outbox's narrow hook
        project, worker_user = db.session.get(Project, s["project"]), db.session.get(User, s["worker"])
        pay = rows.payroll(project, "2026-10", db.session.get(User, s["admin_id"]), [(worker_user, 735000, "paid")])
        from models.payroll import PayrollLine

        line = db.session.execute(db.select(PayrollLine).where(PayrollLine.payroll_id == pay.id)).scalar_one()
        outbox.record_paid_line(line.id, project.id)
        db.session.execute(db.update(Membership).where(Membership.role == "worker").values(status="left"))
        db.session.commit()
    done = site.settle(app)
    assert done["pay_line_paid"] == "accepted" and done["worker_left"] == "accepted"
    got = {r["method"] + r["data"].get("thirdSerialCode", "").split(":")[0]: r["data"] for r in site.received(pushing)}
    detail = got["Payroll.AddPayRollDetail"]["detailList"][0]
    assert detail["actualAmount"] == "7350.00" and detail["payRollBankCode"] == "102" and detail["payBankCode"] == "105"
    assert got["WorkerEntryExit.AddWorkerExit"]["workerList"][0]["type"] == "0"
    assert all(c["signature_ok"] for c in site.calls(pushing))
    assert site.rejected(pushing) == []

    dash = client.get(f"/api/v1/projects/{s['project']}/dashboard", headers=s["admin"]).get_json()
    assert dash["push"]["accepted"] == 7 and dash["push"]["sent"] == 0 and dash["push"]["rejected"] == 0


def test_rejected_record_is_listed_and_resent_after_the_fix(app, client, pushing):
    s = site.build_site(app, platform_code="44030099999999999")  # a typo: the platform knows no such project
    statuses = site.settle(app, 3)
    assert statuses["team_created"] == "rejected"
    listed = client.get(f"/api/v1/projects/{s['project']}/push-events?status=rejected", headers=s["admin"]).get_json()
    assert [i["method"] for i in listed["items"]] == ["Team.Add"]
    assert "项目编码 44030099999999999 不存在" in listed["items"][0]["reason"]
    assert client.get(f"/api/v1/projects/{s['project']}/dashboard", headers=s["admin"]).get_json()["push"]["rejected"] == 1

    assert client.put(f"/api/v1/projects/{s['project']}/platform", json={"platform_code": site.PROJECT_CODE},
                      headers=s["admin"]).status_code == 200
    event_id = listed["items"][0]["id"]
    resent = client.post(f"/api/v1/push-events/{event_id}/resend", headers=s["admin"])
    assert resent.status_code == 200 and resent.get_json()["status"] == "pending"
    again = client.post(f"/api/v1/push-events/{event_id}/resend", headers=s["admin"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "PUSH_EVENT_NOT_RESENDABLE"
    assert site.settle(app)["team_created"] == "accepted"
    assert site.statuses(app)["worker_enrolled"] == "accepted"  # the rest followed once the team was numbered


def test_no_push_without_the_project_code_and_the_admin_sees_where_to_enter_it(app, client, pushing):
    s = site.build_site(app, platform_code=None, nation=None)
    site.run_cycle(app)
    assert site.calls(pushing) == []  # nothing leaves without the platform's project code
    items = client.get(f"/api/v1/projects/{s['project']}/push-events?status=incomplete",
                       headers=s["admin"]).get_json()["items"]
    team = next(i for i in items if i["kind"] == "team_created")
    assert team["missing"][0]["field"] == "projectCode" and "/platform" in team["missing"][0]["where"]
    client.put(f"/api/v1/projects/{s['project']}/platform", json={"platform_code": site.PROJECT_CODE},
               headers=s["admin"])
    site.settle(app)
    items = client.get(f"/api/v1/projects/{s['project']}/push-events?status=incomplete",
                       headers=s["admin"]).get_json()["items"]
    worker = next(i for i in items if i["kind"] == "worker_enrolled")
    assert [(m["field"], m["label"]) for m in worker["missing"]] == [("nation", "民族")]
    assert "PUT /api/v1/me/profile" in worker["missing"][0]["where"]
    assert not any(c["method"] == "ProjectWorker.Add" for c in site.calls(pushing))  # never sent incomplete


def test_transport_failures_back_off_then_give_up_as_dead_letters(app, client, pushing):
    s = site.build_site(app)
    site.fake(pushing, "reject")
    for _ in range(3):
        site.make_due(app)
        site.run_cycle(app)
    dead = client.get(f"/api/v1/projects/{s['project']}/push-events?status=dead", headers=s["admin"]).get_json()
    assert [i["kind"] for i in dead["items"]] == ["team_created"]
    assert dead["items"][0]["attempts"] == 3 and "2001" in dead["items"][0]["last_error"]
    site.fake(pushing, "accept")
    client.post(f"/api/v1/push-events/{dead['items'][0]['id']}/resend", headers=s["admin"])
    assert site.settle(app)["team_created"] == "accepted"
