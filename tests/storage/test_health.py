"""/healthz reports the object store: up, or down (503, as a database or Redis down is)."""

from __future__ import annotations

from pathlib import Path

from services.storage import maintenance
from services.storage.store import store


def test_health_reports_the_store_and_leaves_nothing_behind(app, client):
    with app.app_context():
        before = sorted(_files(app))
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json()["storage"] == {"ok": True}
    with app.app_context():
        assert sorted(_files(app)) == before  # no probe object left in the folder / bucket
        assert maintenance.health()["backend"] == store().name  # the kind is for the log, not for the answer


def test_health_is_503_when_the_store_is_down(app, client, store_down, caplog):
    with store_down():
        resp = client.get("/healthz")
    body = resp.get_json()
    assert resp.status_code == 503 and body["ok"] is False
    assert body["storage"] == {"ok": False} and body["database"] == {"ok": True}
    assert "object store (s3) does not answer" in caplog.text
    assert client.get("/healthz").status_code == 200  # the store back


def _files(app) -> list[str]:
    """Everything in the folder (any name) or the bucket (any key), not only objects' keys."""
    backend = store()
    if backend.name == "folder":
        root = Path(app.config["STORAGE_DIR"])
        return [str(p) for p in root.rglob("*")] if root.exists() else []
    listed = backend.client.list_objects_v2(Bucket=backend.bucket)  # type: ignore[attr-defined]
    return [item["Key"] for item in listed.get("Contents", [])]
