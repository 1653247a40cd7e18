"""WeChat calls (login, phone number, subscribe messages, 人脸核身 results), WeChat's failures as domain errors.

The client itself (API base, token storage) is infrastructure: infra/wechat.py.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from wechatpy.exceptions import APILimitedException, WeChatClientException

from infra.wechat import SiteRollWeChatClient
from infra.wechat import client as wechat_client
from services.errors import BadRequest, ServiceUnavailable, TooManyRequests, Unprocessable

log = logging.getLogger(__name__)

INVALID_CODE = 40029
CODE_USED = 40163
RATE_LIMITED = 45011


def client() -> SiteRollWeChatClient:
    c = wechat_client()
    if c is None:
        raise ServiceUnavailable("WECHAT_NOT_CONFIGURED")
    return c


def _call(fn, *args: Any, invalid_code: str) -> dict[str, Any]:
    """Run one wechatpy call and turn WeChat's failures into domain errors.

    ``invalid_code``: what a refused code means here (a login code or a phone-number code
    need different advice on the phone)."""
    try:
        result = fn(*args)
    except APILimitedException as exc:
        raise TooManyRequests("WECHAT_RATE_LIMITED", details={"errcode": exc.errcode}) from exc
    except WeChatClientException as exc:
        if exc.errcode == RATE_LIMITED:  # the token fetch raises the plain class for it
            raise TooManyRequests("WECHAT_RATE_LIMITED", details={"errcode": exc.errcode}) from exc
        if exc.errcode in (INVALID_CODE, CODE_USED):
            raise BadRequest(invalid_code, details={"errcode": exc.errcode}) from exc
        if exc.errcode is None:
            raise ServiceUnavailable("WECHAT_UNAVAILABLE") from exc
        log.warning("wechat error %s %s", exc.errcode, exc.errmsg)
        raise ServiceUnavailable("WECHAT_ERROR", details={"errcode": exc.errcode}) from exc
    except (requests.RequestException, ValueError) as exc:
        raise ServiceUnavailable("WECHAT_UNAVAILABLE") from exc
    if not isinstance(result, dict):
        raise ServiceUnavailable("WECHAT_UNAVAILABLE")
    return result


def code_to_session(code: str) -> dict[str, Any]:
    result = _call(client().wxa.code_to_session, code, invalid_code="WECHAT_CODE_INVALID")
    if not result.get("openid"):
        raise ServiceUnavailable("WECHAT_UNAVAILABLE")
    return result


def phone_number(code: str) -> str:
    result = _call(client().wxa.get_phone_number, code, invalid_code="WECHAT_PHONE_CODE_INVALID")
    info = result.get("phone_info") or {}
    phone = info.get("purePhoneNumber") or info.get("phoneNumber")
    if not phone:
        raise ServiceUnavailable("WECHAT_UNAVAILABLE")
    return str(phone)


def send_subscribe_message(openid: str, template_id: str, data: dict[str, Any], page: str | None = None) -> None:
    _call(client().wxa.send_subscribe_message, openid, template_id, data, page, invalid_code="WECHAT_ERROR")


# 84001 invalid verify_result, 84002 expired, 84003 not found, 84004 incomplete (获取人脸核身结果)
FACE_RESULT_UNUSABLE = (84001, 84002, 84003, 84004)


def face_identify_info(verify_result: str) -> dict[str, Any]:
    """WeChat's 获取人脸核身结果 (``cityservice/face/identify/getinfo``) for a mini-program's
    ``wx.startFacialRecognitionVerify`` result. ``identify_ret`` 0 is a passed check; the answer
    carries the MD5 of the ID number and of the UTF-8 name that were checked, never the clear values."""
    c = client()

    def ask() -> Any:
        try:
            return c.post(c.api_root + "cityservice/face/identify/getinfo", data={"verify_result": verify_result})
        except WeChatClientException as exc:
            if exc.errcode in FACE_RESULT_UNUSABLE:
                raise Unprocessable("IDENTITY_RESULT_INVALID", details={"errcode": exc.errcode}) from exc
            raise

    return _call(ask, invalid_code="IDENTITY_RESULT_INVALID")
