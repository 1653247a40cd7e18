"""Embedded mode makes its own keys; production refuses to start without them."""

from __future__ import annotations

import pytest

from config import WECHAT_PUBLIC_API, ConfigError, load_config

KEYS = {"SECRET_KEY": "s", "PII_KEYS": "k1:" + "A" * 43 + "=", "BLIND_INDEX_KEY": "B" * 43 + "="}
MARIADB = "mysql+pymysql://u:p@127.0.0.1:3307/x"


@pytest.fixture(autouse=True)
def _no_siteroll_env(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("SITEROLL_"):
            monkeypatch.delenv(name)


def test_embedded_generates_and_keeps_keys(tmp_path):
    first = load_config(str(tmp_path))
    second = load_config(str(tmp_path))
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
    cfg.update(SQLALCHEMY_DATABASE_URI=MARIADB, JOBS_MODE="inprocess", WECHAT_APPID=None, WECHAT_SECRET=None)
    resp = create_app(cfg).test_client().post("/api/v1/auth/login", json={"code": "fake:x"})
    assert resp.status_code == 503 and resp.get_json()["error"]["code"] == "WECHAT_NOT_CONFIGURED"
