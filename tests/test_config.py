"""Only the demo (SITEROLL_DEMO=1) makes its own keys, fakes WeChat and seeds demo data;
everything else refuses to start without its keys."""

from __future__ import annotations

import pytest

from config import WECHAT_PUBLIC_API, ConfigError, load_config

KEYS = {"SECRET_KEY": "s", "PII_KEYS": "k1:" + "A" * 43 + "=", "BLIND_INDEX_KEY": "B" * 43 + "=",
        "AUDIT_KEY": "a"}
MARIADB = "mysql+pymysql://u:p@127.0.0.1:3307/x"


@pytest.fixture(autouse=True)
def _no_siteroll_env(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("SITEROLL_"):
            monkeypatch.delenv(name)


def test_demo_generates_and_keeps_keys(tmp_path):
    first = load_config(str(tmp_path), {"DEMO": "1"})
    second = load_config(str(tmp_path), {"DEMO": "1"})
    assert first["JOBS_MODE"] == "inprocess" and first["WECHAT_API_BASE"] == "fake"
    assert first["PII_KEYS"] == second["PII_KEYS"] and (tmp_path / "siteroll-keys.json").exists()
    assert oct((tmp_path / "siteroll-keys.json").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("overrides", [
    {"SQLALCHEMY_DATABASE_URI": MARIADB},
    {"REDIS_URL": "redis://127.0.0.1:6380/0"},
])
def test_production_without_keys_refuses_to_start(tmp_path, overrides):
    with pytest.raises(ConfigError, match="SITEROLL_PII_KEYS"):
        load_config(str(tmp_path), overrides)
    assert not (tmp_path / "siteroll-keys.json").exists()


def test_production_defaults_to_the_real_wechat_api(tmp_path):
    cfg = load_config(str(tmp_path), {"SQLALCHEMY_DATABASE_URI": MARIADB, **KEYS})
    assert cfg["WECHAT_API_BASE"] == WECHAT_PUBLIC_API and cfg["WECHAT_APPID"] is None


def test_unconfigured_wechat_is_a_clear_503(app_config, tmp_path):
    from app import create_app

    cfg = {k: v for k, v in app_config.items() if k not in ("WECHAT_APPID", "WECHAT_SECRET")}
    cfg.update(SQLALCHEMY_DATABASE_URI=MARIADB, JOBS_MODE="inprocess", WECHAT_APPID=None, WECHAT_SECRET=None,
               DEMO=False)
    resp = create_app(cfg).test_client().post("/api/v1/auth/login", json={"code": "fake:x"})
    assert resp.status_code == 503 and resp.get_json()["error"]["code"] == "WECHAT_NOT_CONFIGURED"


def test_sqlite_without_the_demo_switch_refuses_generated_keys(tmp_path):
    """SQLite and no Redis used to mean 'demo': a server started without its environment got
    generated keys and the fake WeChat server (anyone logs in as anyone)."""
    with pytest.raises(ConfigError, match="SITEROLL_DEMO=1"):
        load_config(str(tmp_path))
    assert not (tmp_path / "siteroll-keys.json").exists()


def test_sqlite_with_keys_but_no_demo_switch_uses_the_real_wechat(tmp_path):
    cfg = load_config(str(tmp_path), dict(KEYS))
    assert cfg["DEMO"] is False and cfg["WECHAT_API_BASE"] == WECHAT_PUBLIC_API and cfg["WECHAT_APPID"] is None


@pytest.mark.parametrize("database", [None, MARIADB])
def test_fake_wechat_is_refused_outside_the_demo(tmp_path, monkeypatch, database):
    monkeypatch.setenv("SITEROLL_WECHAT_API_BASE", "fake")
    overrides = dict(KEYS, **({"SQLALCHEMY_DATABASE_URI": database} if database else {}))
    with pytest.raises(ConfigError, match="fake is for the local demo only"):
        load_config(str(tmp_path), overrides)


def test_demo_switch_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SITEROLL_DEMO", "1")
    assert load_config(str(tmp_path))["WECHAT_API_BASE"] == "fake"
    monkeypatch.setenv("SITEROLL_DEMO", "0")
    with pytest.raises(ConfigError):
        load_config(str(tmp_path / "other"))


def test_seed_demo_is_refused_outside_the_demo(app_config, app):
    from app import create_app
    from models import User, db

    outside = create_app(dict(app_config, DEMO=False))
    result = outside.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "SITEROLL_DEMO=1" in result.output
    with outside.app_context():
        assert db.session.query(User).count() == 0
    inside = app.test_cli_runner().invoke(args=["seed-demo"])
    assert inside.exit_code == 0, inside.output


def test_health_does_not_tell_anonymous_callers_the_mode(client):
    body = client.get("/healthz").get_json()
    assert set(body) == {"ok", "database", "redis", "storage", "queued"}
    assert body["database"] == {"ok": True} and body["redis"] == {"ok": True}
