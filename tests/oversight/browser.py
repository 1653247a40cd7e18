"""A headless Debian chromium driven over the Chrome DevTools protocol (websocket-client):
open a page, wait for its render marker, collect console errors, take a screenshot."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import websocket

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=420,2200"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PageResult:
    marker: str | None
    errors: list[str] = field(default_factory=list)
    canvases_drawn: int = 0
    screenshot: Path | None = None


class Browser:
    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="siteroll-chromium-")
        self.port = free_port()
        self.proc = subprocess.Popen([chromium_path(), *FLAGS, f"--user-data-dir={self.profile}",
                                      f"--remote-debugging-port={self.port}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(150):
            try:
                requests.get(self.base + "/json/version", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("chromium did not open its DevTools port")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, url: str, screenshot: Path, timeout: float = 30) -> PageResult:
        target = requests.put(self.base + "/json/new?about:blank", timeout=5).json()
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=timeout)
        seq = iter(range(1, 10**6))
        errors: list[str] = []

        def call(method: str, **params: Any) -> dict[str, Any]:
            msg_id = next(seq)
            ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == msg_id:
                    return msg.get("result", {})
                note(msg)

        def note(msg: dict[str, Any]) -> None:
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(json.dumps(params.get("exceptionDetails", {}), ensure_ascii=False)[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append("console." + params["type"] + ": " + json.dumps(params.get("args"), ensure_ascii=False)[:300])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append("log: " + params["entry"].get("text", "") + " " + params["entry"].get("url", ""))

        try:
            for domain in ("Page", "Runtime", "Log"):
                call(domain + ".enable")
            call("Page.navigate", url=url)
            deadline, marker = time.monotonic() + timeout, None
            while time.monotonic() < deadline and marker is None:
                marker = call("Runtime.evaluate", expression="document.body && document.body.dataset.chartsRendered",
                              returnByValue=True).get("result", {}).get("value")
                if marker is None:
                    time.sleep(0.2)
            drawn = call("Runtime.evaluate", returnByValue=True, expression="""
                Array.from(document.querySelectorAll('.chart canvas')).filter(function (c) {
                  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (var i = 3; i < d.length; i += 16) { if (d[i] !== 0) return true; }
                  return false;
                }).length""").get("result", {}).get("value", 0)
            shot = call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            return PageResult(marker, errors, int(drawn or 0), screenshot)
        finally:
            ws.close()
            requests.get(self.base + "/json/close/" + target["id"], timeout=5)
