"""The checked-in OpenAPI document is the one the code generates."""

from __future__ import annotations

import json


def test_exported_document_matches_code(app):
    result = app.test_cli_runner().invoke(args=["openapi", "export", "--check"])
    assert result.exit_code == 0, result.output


def test_served_document_lists_the_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/auth/login" in spec["paths"] and "/api/v1/me" in spec["paths"]
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert not login.get("security")  # no bearer needed to log in
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"bearer": []}]
    assert "VALIDATION_FAILED" in json.dumps(login["responses"]["422"])
    assert spec["servers"] and login["operationId"] == "auth.login"
    assert client.get("/docs/").status_code == 200


def test_docs_ui_is_served_offline(client):
    page = client.get("/docs/swagger")
    assert page.status_code == 200
    for asset in ("swagger/css/swagger-ui.css", "swagger/js/swagger-ui-bundle.js"):
        assert asset in page.get_data(as_text=True)
        assert client.get(f"/docs/{asset}").status_code == 200


def test_document_describes_invitations_and_the_429_answer(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/projects/{project_id}/invitations" in spec["paths"]
    assert "/api/v1/invitations/{code}/accept" in spec["paths"]
    assert "429" in spec["paths"]["/api/v1/invitations/{code}/accept"]["post"]["responses"]
    assert "RATE_LIMITED" in spec["info"]["description"] and "Retry-After" in spec["info"]["description"]
    from config import ROOT

    guide = (ROOT / "miniprogram_api_docs" / "README.md").read_text()
    for words in ("邀请", "/invitations/{code}/accept", "429", "RATE_LIMITED", "Retry-After"):
        assert words in guide
