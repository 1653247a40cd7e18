"""WeChat through wechatpy's real client, every URL under one configurable API base.

The base is the real ``https://api.weixin.qq.com/`` in production and the bundled fake
server (devtools/fake_wechat.py) in the demo and the tests.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from flask import Flask, current_app
from wechatpy import WeChatClient
from wechatpy.exceptions import APILimitedException, WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage

from services.errors import BadRequest, ServiceUnavailable, TooManyRequests

log = logging.getLogger(__name__)

INVALID_CODE = 40029
CODE_USED = 40163
RATE_LIMITED = 45011


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


def client() -> SiteRollWeChatClient:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    c = app.extensions.get("siteroll_wechat_client")
    if c is None:
        if not (app.config["WECHAT_APPID"] and app.config["WECHAT_SECRET"]):
            raise ServiceUnavailable("WECHAT_NOT_CONFIGURED", "微信登录暂未配置，请联系管理员")
        storage: Any = None
        if app.config["JOBS_MODE"] == "rq":
            from wechatpy.session.redisstorage import RedisStorage

            from services.jobs import redis_connection

            storage = RedisStorage(redis_connection(app), prefix="siteroll:wechat")
        c = SiteRollWeChatClient(
            app.config["WECHAT_APPID"], app.config["WECHAT_SECRET"], api_base(app),
            session=storage, timeout=float(app.config["WECHAT_TIMEOUT_SECONDS"]),
        )
        app.extensions["siteroll_wechat_client"] = c
    return c


def _call(fn, *args: Any, invalid_code: str) -> dict[str, Any]:
    """Run one wechatpy call and turn WeChat's failures into domain errors.

    ``invalid_code``: what a refused code means here (a login code or a phone-number code
    need different advice on the phone)."""
    try:
        result = fn(*args)
    except APILimitedException as exc:
        raise TooManyRequests("WECHAT_RATE_LIMITED", "微信接口繁忙，请稍后再试", {"errcode": exc.errcode}) from exc
    except WeChatClientException as exc:
        if exc.errcode == RATE_LIMITED:  # the token fetch raises the plain class for it
            raise TooManyRequests("WECHAT_RATE_LIMITED", "微信接口繁忙，请稍后再试", {"errcode": exc.errcode}) from exc
        if exc.errcode in (INVALID_CODE, CODE_USED):
            raise BadRequest(invalid_code, details={"errcode": exc.errcode}) from exc
        if exc.errcode is None:
            raise ServiceUnavailable("WECHAT_UNAVAILABLE", "微信服务暂时不可用，请稍后再试") from exc
        log.warning("wechat error %s %s", exc.errcode, exc.errmsg)
        raise ServiceUnavailable("WECHAT_ERROR", "微信服务返回错误，请稍后再试", {"errcode": exc.errcode}) from exc
    except (requests.RequestException, ValueError) as exc:
        raise ServiceUnavailable("WECHAT_UNAVAILABLE", "微信服务暂时不可用，请稍后再试") from exc
    if not isinstance(result, dict):
        raise ServiceUnavailable("WECHAT_UNAVAILABLE", "微信服务暂时不可用，请稍后再试")
    return result


def code_to_session(code: str) -> dict[str, Any]:
    result = _call(client().wxa.code_to_session, code, invalid_code="WECHAT_CODE_INVALID")
    if not result.get("openid"):
        raise ServiceUnavailable("WECHAT_UNAVAILABLE", "微信服务暂时不可用，请稍后再试")
    return result


def phone_number(code: str) -> str:
    result = _call(client().wxa.get_phone_number, code, invalid_code="WECHAT_PHONE_CODE_INVALID")
    info = result.get("phone_info") or {}
    phone = info.get("purePhoneNumber") or info.get("phoneNumber")
    if not phone:
        raise ServiceUnavailable("WECHAT_UNAVAILABLE", "微信服务暂时不可用，请稍后再试")
    return str(phone)


def send_subscribe_message(openid: str, template_id: str, data: dict[str, Any], page: str | None = None) -> None:
    _call(client().wxa.send_subscribe_message, openid, template_id, data, page, invalid_code="WECHAT_ERROR")
