"""The worker's platform fields: optional for SiteRoll (saving works without them), flagged in
platform_missing while empty, codes checked against the platform's dictionaries; the trade list
answers the platform's codes; the dictionaries are readable."""

from __future__ import annotations

from tests.api.enrollment_site import error
from tests.factories import give_consents, profile_body


def test_platform_fields_are_optional_flagged_and_checked(client, site):
    headers = site.headers["worker"]
    give_consents(client, headers)
    assert client.put("/api/v1/me/profile", json=profile_body(), headers=headers).status_code == 200
    body = client.get("/api/v1/me/profile", headers=headers).get_json()
    assert {"nation", "culture_level", "political_status", "id_issuer", "id_valid_from",
            "id_valid_to"} <= set(body["platform_missing"])
    bad = client.put("/api/v1/me/profile", json=profile_body(nation="99", political_status="13"), headers=headers)
    assert bad.status_code == 422 and error(bad)["details"]["fields"][0]["loc"] == "nation"
    full = profile_body(nation="01", culture_level="03", political_status="13", id_issuer="北京市公安局朝阳分局",
                        id_valid_from="2020-06-01", id_valid_to="长期", trade="130")
    resp = client.put("/api/v1/me/profile", json=full, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["trade"] == "建筑电工" and body["nation"] == "01" and body["id_valid_to"] == "长期"
    assert not {"nation", "culture_level", "political_status", "id_issuer"} & set(body["platform_missing"])


def test_trades_answer_platform_codes_and_dictionaries_name_their_source(client, site):
    items = client.get("/api/v1/trades", headers=site.headers["worker"]).get_json()["items"]
    by_name = {i["name"]: i for i in items}
    assert (by_name["电工"]["code"], by_name["电工"]["platform_name"]) == ("130", "建筑电工")
    assert (by_name["焊工"]["code"], by_name["焊工"]["platform_name"]) == ("270", "电焊工")
    assert by_name["普工"]["code"] is None  # the platform's list has no such trade: flagged, never sent as ""
    nation = client.get("/api/v1/platform/dictionaries/nation", headers=site.headers["worker"]).get_json()
    assert nation["items"][0] == {"code": "01", "name": "汉族"} and len(nation["items"]) == 58
    units = client.get("/api/v1/platform/dictionaries/unit", headers=site.headers["worker"]).get_json()
    assert [(i["code"], i["name"]) for i in units["items"]] == [("80", "米"), ("81", "平方米"), ("82", "立方米")]
    assert "ibisTime/xn-gchf" in units["source"]


def test_a_team_trade_given_as_a_platform_code_is_kept_by_its_name(app):
    from services import org
    from tests.factories import make_project, make_user

    with app.app_context():
        admin = make_user("admin")
        project = make_project(admin)
        team = org.create_team(admin.id, project.id, name="电工班", default_day_wage_fen=36000, trade="130")
        assert team.trade == "建筑电工"
        assert org.update_team(admin.id, team.id, {"trade": "270"}).trade == "电焊工"
        assert org.update_team(admin.id, team.id, {"trade": "钢筋工"}).trade == "钢筋工"
