"""The WeChat client (wechatpy's real one), every URL under one configurable API base.

The base is the real ``https://api.weixin.qq.com/`` in production and the bundled fake
server (devtools/fake_wechat.py) in the demo and the tests. services/wechat.py makes the calls.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from wechatpy import WeChatClient
from wechatpy.session.memorystorage import MemoryStorage

from infra.jobs import redis_connection


class SiteRollWeChatClient(WeChatClient):
    """wechatpy's WeChatClient with its API base URLs pointed at ``api_base``."""

    def __init__(self, appid: str, secret: str, api_base: str, session: Any = None, timeout: float = 5) -> None:
        super().__init__(appid, secret, session=session or MemoryStorage(), timeout=timeout)
        self.api_root = api_base.rstrip("/") + "/"
        self.API_BASE_URL = self.api_root + "cgi-bin/"
        self.wxa.API_BASE_URL = self.api_root

    def fetch_access_token(self) -> dict[str, Any]:
        # wechatpy's own override point; the stock one hard-codes the public host.
        return self._fetch_access_token(
            url=self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


def api_base(app: Flask) -> str:
    base = app.config["WECHAT_API_BASE"]
    if base == "fake":
        from devtools.fake_wechat import start_in_background

        server = app.extensions.get("siteroll_fake_wechat")
        if server is None:
            server = start_in_background()
            app.extensions["siteroll_fake_wechat"] = server
        return server.base_url
    return base


def client() -> SiteRollWeChatClient | None:
    """The app's client, made on first use; None when no app id / secret is configured."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    c = app.extensions.get("siteroll_wechat_client")
    if c is None:
        if not (app.config["WECHAT_APPID"] and app.config["WECHAT_SECRET"]):
            return None
        storage: Any = None
        if app.config["JOBS_MODE"] == "rq":
            from wechatpy.session.redisstorage import RedisStorage

            storage = RedisStorage(redis_connection(app), prefix="siteroll:wechat")
        c = SiteRollWeChatClient(
            app.config["WECHAT_APPID"], app.config["WECHAT_SECRET"], api_base(app),
            session=storage, timeout=float(app.config["WECHAT_TIMEOUT_SECONDS"]),
        )
        app.extensions["siteroll_wechat_client"] = c
    return c
