"""/docs/ opens the API reference itself, readable on a phone: headless chromium at 390 px."""

from __future__ import annotations

import html
import re

import pytest
from PIL import Image

from devtools.browser import PHONE, chromium, phone_view, screenshot, served

pytestmark = pytest.mark.skipif(chromium() is None, reason="chromium missing: devtools/apt.sh chromium fonts-noto-cjk")


def test_docs_home_is_the_reference(client):
    page = client.get("/docs/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and 'name="viewport"' in page
    assert "swagger/js/swagger-ui-bundle.js" in page and "//cdn" not in page and "https://" not in page


def _attr(dom: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', dom)
    assert found is not None, f"the page never finished rendering ({name} missing)"
    return html.unescape(found.group(1))


def test_docs_render_at_phone_width(app, tmp_path):
    with served(app) as base:
        dom = phone_view(base, "/docs/")
        shot = screenshot(base + "/docs/", tmp_path / "docs.png")
    assert _attr(dom, "data-phone-width") == str(PHONE[0])
    assert _attr(dom, "data-phone-overflow-px") == "0", "the page scrolls sideways at 390 px"
    # Swagger UI rendered the operations from openapi.json, with our ids and Chinese summaries
    text = _attr(dom, "data-phone-text")
    assert "faces.createCheck" in text and "上传自拍进行人脸核验" in text and "小程序接口文档" in text
    with Image.open(shot) as image:
        assert image.size == PHONE
        # not a blank page: the header band and text give many colours
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50
