"""Look at a page the way a phone does: headless Debian ``chromium`` at 390 px wide.

Used by tests/test_docs_page.py and by hand:
``SITEROLL_DEMO=1 flask --app app openapi screenshot /docs/ docs/docs-390px.png`` serves the app on a
free loopback port, then writes a screenshot (commands/openapi.py). Chromium and the Noto CJK fonts come from Debian
(``devtools/apt.sh chromium fonts-noto-cjk``; .ci/run installs them).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server
from werkzeug.wrappers import Request

PHONE = (390, 844)
# flags that run as root in a container, with no network chatter of the browser's own
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--virtual-time-budget=8000"]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# Headless chromium lays pages out at least 500 px wide (the screenshot is then cut to the
# window), so what a 390 px phone shows is measured in a 390 px iframe of the same origin.
PHONE_FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" src="{path}" style="width:{w}px;height:{h}px;border:0"></iframe>
<script>
  var copy = setInterval(function () {{
    var doc = document.getElementById("phone").contentDocument;
    var body = doc && doc.body;
    if (body && body.hasAttribute("data-overflow-px")) {{
      document.body.setAttribute("data-phone-overflow-px", body.getAttribute("data-overflow-px"));
      document.body.setAttribute("data-phone-width", doc.documentElement.clientWidth);
      document.body.setAttribute("data-phone-text", body.innerText.slice(0, 20000));
      clearInterval(copy);
    }}
  }}, 100);
</script></body></html>"""
FRAME_PATH = "/__phone__"


def _with_phone_frame(app: Flask):
    """WSGI: ``/__phone__?path=/docs/`` is PHONE_FRAME around that path; everything else is the app."""

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") != FRAME_PATH:
            return app(environ, start_response)
        args = Request(environ).args
        height = args.get("height", PHONE[1], type=int)
        page = PHONE_FRAME.format(path=escape(args.get("path", "/")), w=PHONE[0], h=height).encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))])
        return [page]

    return wsgi


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app on a free loopback port, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, _with_phone_frame(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="docs-page", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def _run(url: str, extra: list[str], size: tuple[int, int] = PHONE, timeout: float = 90) -> str:
    binary = chromium()
    if binary is None:
        raise RuntimeError("chromium is not installed: devtools/apt.sh chromium fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="siteroll-chromium-") as profile:
        cmd = [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}", *extra, url]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    return done.stdout


def screenshot(url: str, out: Path, size: tuple[int, int] = PHONE) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(url, [f"--screenshot={out.resolve()}"], size)
    return out


def rendered_dom(url: str, size: tuple[int, int] = PHONE) -> str:
    """The page's DOM after its scripts ran (Swagger UI renders from openapi.json)."""
    return _run(url, ["--dump-dom"], size)


def phone_view(base: str, path: str) -> str:
    """The DOM of ``path`` framed at phone width: body carries data-phone-overflow-px/-width/-text."""
    return rendered_dom(f"{base}{FRAME_PATH}?path={path}", (PHONE[0] + 200, PHONE[1] + 50))

