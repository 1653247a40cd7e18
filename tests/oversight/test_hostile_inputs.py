"""Issue 23, findings 5 and 6 over HTTP: bounded thresholds, a failing project never stops the run,
a warning closed while its condition holds reopens."""

from __future__ import annotations

import json

from models import Project, db
from models.oversight import WarningThresholds
from services.oversight import warnings
from tests.factories import make_project, make_user
from tests.oversight.test_api import world  # noqa: F401


def err(resp) -> dict:
    return resp.get_json()["error"]


def test_thresholds_have_types_and_finite_bounds(client, world):  # noqa: F811
    url = f"/api/v1/projects/{world['project']}/warning-thresholds"
    h = {**world["h"]["labour"], "Content-Type": "application/json"}
    for raw in ('{"values": {"hop_window_days": 1e300}}', '{"values": {"hop_window_days": Infinity}}',
                '{"values": {"absence_days": NaN}}', '{"values": {"hop_teams": 2.5}}',
                '{"values": {"unpaid_grace_days": 1000000}}'):
        resp = client.put(url, data=raw, headers=h)
        assert resp.status_code == 422, (raw, resp.data)
        key = next(iter(json.loads(raw.replace("Infinity", "1").replace("NaN", "1"))["values"]))
        assert err(resp)["code"] == "THRESHOLD_INVALID" and err(resp)["details"]["key"] == key, raw
        assert key in err(resp)["message"]
    ok = client.put(url, json={"values": {"hop_window_days": 60, "deposit_margin_pct": 5}}, headers=h)
    assert ok.status_code == 200 and ok.get_json()["values"]["hop_window_days"] == 60
    seen = client.get(url, headers=world["h"]["supervisor"])
    json.loads(seen.data)  # strict JSON: no Infinity / NaN
    assert seen.get_json()["legal_duty_changed"] == ["deposit_margin_pct"]


def test_one_projects_bad_value_never_stops_the_others(app, world):  # noqa: F811
    with app.app_context():
        other = make_project(make_user("other-admin"))
        db.session.add(WarningThresholds(project_id=other.id, values={"hop_window_days": 1e300, "absence_days": 7}))
        db.session.add(WarningThresholds(project_id=world["project"], values={"fraud_window_days": 1e300, "hop_teams": -5}))
        db.session.commit()
        totals = warnings.refresh_warnings([world["project"], other.id])
        assert totals["projects"] == 2 and totals.get("failed", 0) == 0
        assert warnings.thresholds_for([other.id])[other.id]["hop_window_days"] == 90  # stored junk is ignored
        assert db.session.get(Project, other.id) is not None


def test_a_warning_closed_while_it_holds_reopens(app, client, world):  # noqa: F811
    listed = client.get(f"/api/v1/projects/{world['project']}/warnings", headers=world["h"]["supervisor"]).get_json()
    w = next(i for i in listed["items"] if i["rule"] == "NO_CONTRACT_OR_TRAINING")
    blank = client.post(f"/api/v1/warnings/{w['id']}/close", json={"note": "   "}, headers=world["h"]["labour"])
    assert blank.status_code == 422 and err(blank)["code"] in ("VALIDATION_FAILED", "WARNING_NOTE_REQUIRED")
    closed = client.post(f"/api/v1/warnings/{w['id']}/close", json={"note": "已处理"}, headers=world["h"]["labour"])
    assert closed.get_json()["status"] == "closed" and closed.get_json()["closed_by"] == world["ids"]["labour"]
    dash = client.get(f"/api/v1/projects/{world['project']}/dashboard", headers=world["h"]["supervisor"]).get_json()
    assert dash["warnings"]["closed_by_staff"] == 1
    with app.app_context():
        warnings.refresh_warnings([world["project"]])
        db.session.commit()
    again = client.get(f"/api/v1/projects/{world['project']}/warnings", headers=world["h"]["supervisor"]).get_json()
    row = next(i for i in again["items"] if i["id"] == w["id"])
    assert row["status"] == "open" and row["reopened_at"] is not None


def test_a_dashboard_link_opens_one_session_once_and_its_cookie_one_page(app, client, world):  # noqa: F811
    import logging

    from models import Company, ProjectCompany

    with app.app_context():
        company = db.session.query(ProjectCompany).filter_by(project_id=world["project"]).first()
        company_id = company.company_id if company else db.session.query(Company.id).first()[0]
    path = f"/dashboards/projects/{world['project']}"
    link = client.post("/api/v1/dashboard-links", json={"path": path}, headers=world["h"]["admin"]).get_json()
    first = app.test_client()
    opened = first.get(link["url"])
    assert opened.status_code == 303
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert first.get(path).status_code == 200
    for _ in range(2):  # the same link from fresh sessions: refused
        again = app.test_client().get(link["url"])
        assert again.status_code == 401 and "DASHBOARD_LINK_USED" in again.text
    # the cookie opens only the page it was issued for
    assert first.get(f"/dashboards/companies/{company_id}").status_code == 401
    assert first.get("/dashboards/regulator").status_code == 401
    # no token in the access log
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s',
                               ("127.0.0.1", f"GET {link['url']} HTTP/1.1", "303"), None)
    for f in logging.getLogger("werkzeug").filters:
        f.filter(record)
    assert link["url"].split("link=", 1)[1] not in record.getMessage()


def test_the_page_cookie_is_secure_outside_the_demo():
    from config import load_config

    cfg = load_config("/tmp/siteroll-i23-cfg", {"DEMO": False, "SECRET_KEY": "x" * 32, "PII_KEYS": "k1:" + "A" * 44,
                                                "BLIND_INDEX_KEY": "A" * 44, "AUDIT_KEY": "y" * 32,
                                                "WECHAT_API_BASE": "https://api.weixin.qq.com/"})
    assert cfg["SESSION_COOKIE_SECURE"] is True and cfg["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_a_notice_board_is_public_only_once_published_and_shows_what_was_posted(app, client, world):  # noqa: F811
    pid = world["project"]
    assert client.get(f"/public/projects/{pid}/notice-board").status_code == 404  # no board by sequential id
    draft = client.put(f"/api/v1/projects/{pid}/notice-board", json={"labour_manager_phone": "0755-1"},
                       headers=world["h"]["labour"]).get_json()
    assert draft["public_url"] is None and draft["join_url"] is None
    assert draft["labour_manager_name"] is None  # never the account's name
    shown = publish_complete_board(app, client, world, show_join_qr=False)
    path = "/" + shown["public_url"].split("://", 1)[-1].split("/", 1)[1]
    public_id = path.rsplit("/", 1)[1]
    assert len(public_id) >= 20 and str(pid) != public_id
    page = client.get(path)
    assert page.status_code == 200 and "<svg" not in page.text  # no join QR code unless chosen
    with client.application.app_context():
        join_code = db.session.get(Project, pid).join_code
    assert join_code not in page.text
    assert client.get("/public/notice-boards/not-a-board").status_code == 404


def test_gate_checks_are_registered_by_the_app_factory_not_by_import(app):
    import services
    from services.enrollment.gate import EXTRA_CHECKS
    from services.oversight.blacklist import blacklist_check

    assert "services.oversight.blacklist" not in services.HANDOVER_MODULES
    assert EXTRA_CHECKS.count(blacklist_check) == 1


def publish_complete_board(app, client, world, *, show_join_qr: bool) -> dict:  # noqa: F811
    """Every item Art. 34 requires (issue 25's publish rule), then published."""
    from services import org
    from tests.factories import USCCS, make_company

    pid = world["project"]
    with app.app_context():
        from models import User

        admin = db.session.get(User, world["ids"]["admin"])
        owner = make_company(admin, USCCS[2], "某某置业有限公司")
        org.add_participant(admin.id, pid, owner.id, "owner")
        db.session.commit()
    client.put(f"/api/v1/projects/{pid}/payroll-rules", json={
        "overtime_after_minutes": 480, "overtime_percent": 150, "minimum_wage_fen": 236000},
        headers=world["h"]["labour"])
    put = client.put(f"/api/v1/projects/{pid}/notice-board", headers=world["h"]["labour"], json={
        "labour_manager_name": "李劳资", "labour_manager_phone": "0755-12345678", "show_join_qr": show_join_qr,
        "authorities": [{"name": "南山区住房和建设局", "phone": "0755-26611111"}],
        "complaint_phones": [{"name": "劳动保障监察投诉", "phone": "12333"}, {"name": "政务服务热线", "phone": "12345"},
                             {"name": "公共法律服务热线", "phone": "12348"},
                             {"name": "区劳动人事争议仲裁院", "phone": "0755-26622222"},
                             {"name": "区法律援助处", "phone": "0755-26633333"}]})
    assert put.status_code == 200 and put.get_json()["missing"] == [], put.get_json()
    assert put.get_json()["public_url"] is None  # not public before it is published
    published = client.post(f"/api/v1/projects/{pid}/notice-board/publish", headers=world["h"]["labour"])
    assert published.status_code == 200, published.get_json()
    return published.get_json()
