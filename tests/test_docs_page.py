"""/docs/ opens the API reference itself, readable on a phone: headless chromium at 390 px."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from devtools.browser import PHONE, chromium, rendered_dom, screenshot, served

pytestmark = pytest.mark.skipif(chromium() is None, reason="chromium missing: devtools/apt.sh chromium fonts-noto-cjk")


def test_docs_home_is_the_reference(client):
    page = client.get("/docs/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and 'name="viewport"' in page
    assert "swagger/js/swagger-ui-bundle.js" in page and "//cdn" not in page and "https://" not in page


def test_docs_render_at_phone_width(app, tmp_path):
    with served(app) as base:
        dom = rendered_dom(base + "/docs/")
        shot = screenshot(base + "/docs/", tmp_path / "docs.png")
    # Swagger UI rendered the operations from openapi.json, with our ids and Chinese summaries
    assert "faces.createCheck" in dom and "上传自拍进行人脸核验" in dom
    overflow = re.search(r'data-overflow-px="(\d+)"', dom)
    assert overflow is not None, "the page never finished rendering"
    assert int(overflow.group(1)) == 0, "the page scrolls sideways"
    with Image.open(shot) as image:
        assert image.size == PHONE
        # not a blank page: the header band and text give many colours
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50
