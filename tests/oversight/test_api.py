"""Oversight over HTTP: dashboards and who may see them, links, findings, warnings, 红黑榜 and the
entry gate, the notice board, exports."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from models import Company, Project, Role, Team, db
from services.days import business_day
from services.enrollment.gate import entry_gate
from services.oversight import blacklist, warnings
from tests.factories import USCCS, add_member, bearer, make_company, make_project, make_team, make_user
from tests.oversight import rows


@pytest.fixture
def world(app):
    with app.app_context():
        u = {n: make_user(n) for n in ("admin", "labour", "supervisor", "owner", "leader", "worker", "outsider",
                                        "regulator")}
        company = make_company(u["admin"])
        project = make_project(u["admin"], company=company)
        team = make_team(u["admin"], project, leader=u["leader"])
        add_member(project, u["labour"], Role.LABOUR_MANAGER)
        add_member(project, u["supervisor"], Role.SUPERVISOR)
        add_member(project, u["owner"], Role.OWNER)
        today = business_day()
        w = rows.worker(project, team, u["worker"])
        for n in range(1, 12):
            rows.day(project, w, team, today - timedelta(days=n), confirmed_by=u["leader"].id)
        rows.clock(project, w, team, today)
        blacklist.add_regulator(u["regulator"].id, "深圳市住房和建设局")
        warnings.refresh_warnings([project.id])
        db.session.commit()
        return {"project": project.id, "team": team.id, "company": company.id,
                "ids": {k: v.id for k, v in u.items()}, "h": {k: bearer(v) for k, v in u.items()}}


def err(resp) -> str:
    return resp.get_json()["error"]["code"]


def test_project_dashboard_figures_and_refusals(client, world):
    url = f"/api/v1/projects/{world['project']}/dashboard"
    d = client.get(url, headers=world["h"]["admin"]).get_json()
    assert d["today"] == {"on_site": 1, "clocked_in": 1, "enrolled": 1}
    assert d["missing"] == {"contracts": 1, "training": 1}
    assert len(d["trend"]) == 30 and sum(r["present"] for r in d["trend"]) == 11
    assert d["warnings"]["by_rule"]["NO_CONTRACT_OR_TRAINING"] == 1 and d["warnings"]["score"] > 0
    for who in ("supervisor", "owner", "labour"):
        assert client.get(url, headers=world["h"][who]).status_code == 200
    assert client.get(url, headers=world["h"]["outsider"]).status_code == 404
    assert client.get(url, headers=world["h"]["worker"]).status_code == 403
    assert client.get(url, headers=world["h"]["leader"]).status_code == 403


def test_company_dashboard_only_for_projects_with_a_role(client, world, app):
    url = f"/api/v1/companies/{world['company']}/dashboard"
    d = client.get(url, headers=world["h"]["owner"]).get_json()
    assert [p["id"] for p in d["projects"]] == [world["project"]]
    with app.app_context():  # another project of the same company, where the owner holds no role
        other = make_project(db.session.get(type(make_user("x")), world["ids"]["admin"]),
                             company=db.session.get(Company, world["company"]))
        db.session.commit()
        other_id = other.id
    d = client.get(url, headers=world["h"]["owner"]).get_json()
    assert other_id not in [p["id"] for p in d["projects"]]
    assert client.get(url, headers=world["h"]["outsider"]).status_code == 404
    assert client.get(url, headers=world["h"]["worker"]).status_code == 404


def test_regulator_sees_aggregates_only(client, world):
    resp = client.get("/api/v1/regulator/dashboard", headers=world["h"]["regulator"])
    assert resp.status_code == 200
    d = resp.get_json()
    assert d["totals"]["projects"] == 1 and d["totals"]["enrolled"] == 1
    text = json.dumps(d, ensure_ascii=False)
    for personal in ("user_id", "name_masked", "id_number", "phone", "evidence", "subject"):
        assert personal not in text
    assert set(d["projects"][0]) == {"id", "name", "enrolled", "clocked_in", "on_site", "score", "open_warnings", "closed_by_staff",
                                     "payroll"}
    assert client.get("/api/v1/regulator/dashboard", headers=world["h"]["admin"]).status_code == 403


def test_dashboard_link_opens_the_page_once_and_only_its_page(client, world):
    path = f"/dashboards/projects/{world['project']}"
    assert client.post("/api/v1/dashboard-links", json={"path": path}, headers=world["h"]["outsider"]).status_code == 404
    assert client.post("/api/v1/dashboard-links", json={"path": "/admin"}, headers=world["h"]["admin"]).status_code == 422
    link = client.post("/api/v1/dashboard-links", json={"path": path}, headers=world["h"]["admin"]).get_json()
    assert link["url"].startswith(path + "?link=")
    fresh = client.application.test_client()
    assert fresh.get(path).status_code == 401  # no link, no cookie
    other = fresh.get(f"/dashboards/regulator?link={link['url'].split('=', 1)[1]}")
    assert other.status_code == 401  # a link is for its own page
    resp = fresh.get(link["url"])
    assert resp.status_code == 303 and resp.headers["Location"].endswith(path)
    page = fresh.get(path)
    assert page.status_code == 200 and "echarts.min.js" in page.text and "chart-trend" in page.text


def test_findings_recorded_by_supervisor_answered_by_contractor(client, world):
    url = f"/api/v1/projects/{world['project']}/findings"
    body = {"month": "2026-11", "item": "to_post_rate", "description": "到岗率低于 80%，请说明原因并整改"}
    assert client.post(url, json=body, headers=world["h"]["admin"]).status_code == 403
    created = client.post(url, json=body, headers=world["h"]["supervisor"])
    assert created.status_code == 201
    fid = created.get_json()["id"]
    answer = {"answer": "已增加班组长早会点名，下月到岗率目标 90%"}
    assert client.post(f"/api/v1/findings/{fid}/answer", json=answer, headers=world["h"]["supervisor"]).status_code == 403
    done = client.post(f"/api/v1/findings/{fid}/answer", json=answer, headers=world["h"]["admin"])
    assert done.status_code == 200 and done.get_json()["status"] == "answered"
    assert client.post(f"/api/v1/findings/{fid}/answer", json=answer, headers=world["h"]["admin"]).status_code == 409
    assert client.get(url, headers=world["h"]["outsider"]).status_code == 404


def test_warnings_listed_acknowledged_and_closed(client, world):
    items = client.get(f"/api/v1/projects/{world['project']}/warnings", headers=world["h"]["supervisor"]).get_json()
    w = next(i for i in items["items"] if i["rule"] == "NO_CONTRACT_OR_TRAINING")
    assert set(w) >= {"id", "rule", "evidence", "since", "status"} and w["evidence"]["missing"] == ["contract", "training"]
    note = {"note": "已安排周一签约与培训"}
    assert client.post(f"/api/v1/warnings/{w['id']}/acknowledge", json=note,
                       headers=world["h"]["supervisor"]).status_code == 403
    acked = client.post(f"/api/v1/warnings/{w['id']}/acknowledge", json=note, headers=world["h"]["labour"])
    assert acked.get_json()["status"] == "acknowledged"
    closed = client.post(f"/api/v1/warnings/{w['id']}/close", json={"note": "已签约"}, headers=world["h"]["admin"])
    assert closed.get_json()["status"] == "closed" and closed.get_json()["note"] == "已签约"
    assert client.post(f"/api/v1/warnings/{w['id']}/close", json={"note": "x"}, headers=world["h"]["outsider"]
                       ).status_code == 404


def test_black_listed_party_refused_at_the_gate_until_lifted(client, world, app):
    with app.app_context():
        admin = db.session.get(type(make_user("y")), world["ids"]["admin"])
        bad = make_company(admin, USCCS[1], "失信劳务有限公司")
        db.session.commit()
        bad_id = bad.id
    entry = {"party_type": "company", "party_id": bad_id, "color": "black", "reason": "拖欠农民工工资",
             "evidence": [{"type": "unpaid_wages", "note": "2026-10 工资未发"}], "period_start": "2026-01-01"}
    assert client.post("/api/v1/red-black-list", json=entry, headers=world["h"]["admin"]).status_code == 403
    listed = client.post("/api/v1/red-black-list", json=entry, headers=world["h"]["regulator"])
    assert listed.status_code == 201
    public = client.get("/api/v1/public/red-black-list").get_json()["items"]
    assert [(i["party_name"], i["color"]) for i in public] == [("失信劳务有限公司", "black")]
    assert public[0]["decided_by_authority"] == "深圳市住房和建设局"
    with app.app_context():  # the listed company brings a team to a new project
        admin = db.session.get(type(make_user("z")), world["ids"]["admin"])
        project = db.session.get(Project, world["project"])
        team = make_team(admin, project, name="失信班组")
        team.company_id = bad_id
        hired = rows.worker(project, None, make_user("hired"))
        db.session.execute(db.text("UPDATE memberships SET team_id=:t WHERE user_id=:u"), {"t": team.id, "u": hired.id})
        db.session.commit()
        codes = [r.code for r in entry_gate(hired.id, project.id, business_day()).reasons]
        assert "BLACKLISTED" in codes
        others = [r.code for r in entry_gate(world["ids"]["worker"], project.id, business_day()).reasons]
        assert "BLACKLISTED" not in others
        hired_id = hired.id
    lifted = client.post(f"/api/v1/red-black-list/{listed.get_json()['id']}/lift", json={"note": "已足额补发"},
                         headers=world["h"]["regulator"])
    assert lifted.status_code == 200
    with app.app_context():
        assert "BLACKLISTED" not in [r.code for r in entry_gate(hired_id, world["project"], business_day()).reasons]
    assert client.get("/api/v1/public/red-black-list").get_json()["items"] == []


def test_notice_board_page_and_pdf_with_qr(client, world, app):
    from tests.oversight.test_hostile_inputs import publish_complete_board

    board = publish_complete_board(app, client, world, show_join_qr=True)
    assert board["join_url"].endswith("/public/join/" + board["join_url"][-6:])
    public = board["public_url"].split("://", 1)[-1].split("/", 1)[1]
    page = client.get(f"/{public}")
    assert page.status_code == 200 and "维权告示牌" in page.text and "<svg" in page.text and "李劳资" in page.text
    pdf = client.get(f"/{public}.pdf")
    assert pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = reader.pages[0].extract_text()
    assert "维权告示牌" in text and "李劳资" in text and "12333" in text and "测试银行" in text
    assert len(reader.pages[0].images) == 1  # the QR code
    assert client.get("/public/notice-boards/not-a-board").status_code == 404


def test_exports_as_excel_within_reach(client, world):
    today = business_day()
    q = f"?from={(today - timedelta(days=30)).isoformat()}&to={today.isoformat()}"
    base = f"/api/v1/projects/{world['project']}/exports"
    roster = client.get(base + "/roster.xlsx" + q, headers=world["h"]["labour"])
    ws = load_workbook(io.BytesIO(roster.data)).active
    assert ws.title == "花名册" and ws.max_row == 2
    att = load_workbook(io.BytesIO(client.get(base + "/attendance.xlsx" + q, headers=world["h"]["supervisor"]).data)).active
    assert att.max_row == 12 and att["D2"].value.startswith("出勤")
    assert client.get(base + "/wages.xlsx" + q, headers=world["h"]["admin"]).status_code == 403  # payroll's rule
    wages = client.get(base + "/wages.xlsx" + q, headers=world["h"]["labour"])
    assert wages.status_code == 200
    assert client.get(base + "/roster.xlsx" + q, headers=world["h"]["outsider"]).status_code == 404
    assert client.get(base + "/roster.xlsx" + q, headers=world["h"]["worker"]).status_code == 403
    bad = f"?from={today.isoformat()}&to={(today - timedelta(days=1)).isoformat()}"
    assert err(client.get(base + "/roster.xlsx" + bad, headers=world["h"]["admin"])) == "DATE_RANGE_INVALID"


def test_team_leader_exports_only_their_team(client, world, app):
    with app.app_context():
        admin = db.session.get(type(make_user("q")), world["ids"]["admin"])
        other = make_team(admin, db.session.get(Project, world["project"]), name="木工班")
        rows.worker(db.session.get(Project, world["project"]), other)
        db.session.commit()
    today = business_day()
    q = f"?from={(today - timedelta(days=3)).isoformat()}&to={today.isoformat()}"
    data = client.get(f"/api/v1/projects/{world['project']}/exports/roster.xlsx" + q, headers=world["h"]["leader"]).data
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.max_row == 2 and ws["G2"].value == db_team_name(app, world["team"])


def db_team_name(app, team_id: int) -> str:
    with app.app_context():
        return db.session.get(Team, team_id).name


def test_public_list_needs_no_login_and_validates(client, world):
    assert client.get("/api/v1/public/red-black-list").status_code == 200
    bad = {"party_type": "person", "party_id": 1, "color": "black", "reason": "x", "period_start": "2026-01-01"}
    assert client.post("/api/v1/red-black-list", json=bad, headers=world["h"]["regulator"]).status_code == 422
    assert re.match(r"^[A-Z_]+$", err(client.post("/api/v1/red-black-list", json=bad, headers=world["h"]["regulator"])))


def test_wage_deposits_feed_the_owner_view(client, world):
    url = f"/api/v1/projects/{world['project']}/wage-deposits"
    body = {"amount_fen": 12_000_000_00, "deposited_on": business_day().isoformat(), "reference": "ICBC-0001"}
    assert client.post(url, json=body, headers=world["h"]["owner"]).status_code == 403
    assert client.post(url, json=body, headers=world["h"]["labour"]).status_code == 201
    assert err(client.post(url, json=body, headers=world["h"]["labour"])) == "DEPOSIT_EXISTS"
    assert [d["amount_fen"] for d in client.get(url, headers=world["h"]["owner"]).get_json()["items"]] == [1_200_000_000]
    wages = client.get(f"/api/v1/companies/{world['company']}/dashboard", headers=world["h"]["owner"]).get_json()["wages"]
    assert wages["deposits_fen"] == 1_200_000_000 and wages["approved_payroll_fen"] == 0
    board = client.get(f"/api/v1/projects/{world['project']}/dashboard", headers=world["h"]["owner"]).get_json()
    assert board["payroll"] is None and board["checklist"]["wage_records"]["status"] is None


def test_deposits_page_by_cursor_and_errors_come_from_the_catalogue(client, world):
    url = f"/api/v1/projects/{world['project']}/wage-deposits"
    for n in range(3):
        body = {"amount_fen": 100 + n, "deposited_on": business_day().isoformat(), "reference": f"PAGE-{n}"}
        assert client.post(url, json=body, headers=world["h"]["labour"]).status_code == 201
    first = client.get(url, query_string={"limit": 2}, headers=world["h"]["owner"]).get_json()
    assert [d["amount_fen"] for d in first["items"]] == [100, 101] and first["next_cursor"]
    rest = client.get(url, query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=world["h"]["owner"])
    assert [d["amount_fen"] for d in rest.get_json()["items"]] == [102] and rest.get_json()["next_cursor"] is None
    assert err(client.get(url, query_string={"cursor": "bogus"}, headers=world["h"]["owner"])) == "CURSOR_INVALID"
    again = client.post(url, json={"amount_fen": 1, "deposited_on": business_day().isoformat(), "reference": "PAGE-0"},
                        headers=world["h"]["labour"])
    assert again.status_code == 409 and again.get_json()["error"]["message"] == "该银行流水号已登记"
    assert again.get_json()["error"]["details"] == {"reference": "PAGE-0"}
