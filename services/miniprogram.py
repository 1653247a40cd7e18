"""What the mini-program must know and cannot ask WeChat for: subscribe-message template ids and
their field mapping, upload limits, poll intervals, the web-view business-domain check file.

All of it comes from settings (environment → config → ``MiniProgramSettings``) and is answered,
without secrets, by ``GET /api/v1/miniprogram/config``: the phone passes the same template id
to ``wx.requestSubscribeMessage`` that the backend sends with.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# A face check takes ~0.1-2 s once a worker has it, a clock's decision waits for its selfie's:
# the phone polls every second, for about 30 s (the guide says what to do after).
POLL_SECONDS = 1
POLL_FOR_SECONDS = 30

PAYSLIP_TEMPLATE_ID = "siteroll-payslip-ready"  # the demo's; production sets its own (below)
# our value -> the keyword of the template the account picked in the WeChat console (公众平台 →
# 订阅消息): which thing/amount/date fields are filled. A template with other keywords maps them here.
PAYSLIP_TEMPLATE_FIELDS: dict[str, str] = {"title": "thing1", "project": "thing2", "amount": "amount3",
                                           "date": "date4"}
PAYSLIP_VALUES = tuple(PAYSLIP_TEMPLATE_FIELDS)
# WeChat's keyword kinds and their value limits (thing: 20 characters, amount: number + 元, date)
KEYWORD = re.compile(r"^(thing|amount|date|time|character_string|phrase|number|name)\d{1,2}$")
# what WeChat asks a business domain (业务域名) to serve at its root: e.g. "MP_verify_abc123.txt"
VERIFY_FILE = re.compile(r"^[A-Za-z0-9_\-]{1,64}\.txt$")


@dataclass(frozen=True)
class MiniProgramSettings:
    payslip_template_id: str = PAYSLIP_TEMPLATE_ID
    payslip_template_fields: dict[str, str] = field(default_factory=lambda: dict(PAYSLIP_TEMPLATE_FIELDS))
    webview_verify_file: str | None = None
    webview_verify_content: str | None = None
    media_link_seconds: int = 300


def miniprogram_settings_from(cfg: Mapping[str, Any]) -> MiniProgramSettings:
    fields = cfg.get("WECHAT_PAYSLIP_TEMPLATE_FIELDS") or PAYSLIP_TEMPLATE_FIELDS
    if isinstance(fields, str):
        fields = json.loads(fields)
    fields = {**PAYSLIP_TEMPLATE_FIELDS, **fields}
    bad = sorted(k for k, v in fields.items() if k not in PAYSLIP_TEMPLATE_FIELDS or not KEYWORD.match(v))
    if bad:
        raise ValueError(f"SITEROLL_WECHAT_PAYSLIP_TEMPLATE_FIELDS: unknown value or keyword for {bad}; "
                         f"values {list(PAYSLIP_VALUES)}, keywords like thing1 / amount3 / date4")
    verify_file = cfg.get("WEBVIEW_VERIFY_FILE") or None
    if verify_file is not None and not VERIFY_FILE.match(verify_file):
        raise ValueError("SITEROLL_WEBVIEW_VERIFY_FILE must be a file name like MP_verify_abc123.txt")
    return MiniProgramSettings(
        payslip_template_id=str(cfg.get("WECHAT_PAYSLIP_TEMPLATE_ID") or PAYSLIP_TEMPLATE_ID),
        payslip_template_fields=fields,
        webview_verify_file=verify_file,
        webview_verify_content=cfg.get("WEBVIEW_VERIFY_CONTENT") or None,
        media_link_seconds=int(cfg.get("MEDIA_LINK_SECONDS") or 300),
    )


def payslip_message_data(settings: MiniProgramSettings, values: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The subscribe message's ``data``: our values under the template's keywords (thing ≤ 20 characters)."""
    data: dict[str, dict[str, str]] = {}
    for name, keyword in settings.payslip_template_fields.items():
        value = values[name]
        data[keyword] = {"value": value[:20] if keyword.startswith("thing") else value}
    return data


def verification_file(settings: MiniProgramSettings, name: str) -> str | None:
    """The business-domain check file's content when ``name`` is the configured file, else None."""
    if settings.webview_verify_file is None or name != settings.webview_verify_file:
        return None
    return settings.webview_verify_content or ""
