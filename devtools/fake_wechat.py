"""A small fake of WeChat's HTTP API on 127.0.0.1, which wechatpy really calls.

- ``GET  /cgi-bin/token``                         access token
- ``GET  /sns/jscode2session?js_code=fake:<openid>`` that openid; any other code: errcode 40029
- ``POST /wxa/business/getuserphonenumber {"code": "fake-phone:<number>"}``
- ``POST /cgi-bin/message/subscribe/send``        recorded, listed by ``GET /__fake__/messages``
- ``POST /cityservice/face/identify/getinfo {"verify_result": ...}`` (获取人脸核身结果):
  ``fake-face:<id number>:<name>`` passed (identify_ret 0, the MD5s of that number and name);
  ``fake-face-failed:<id number>:<name>`` not passed (identify_ret 10003); anything else errcode 84002
  (expired), as WeChat answers an unknown or stale verify_result
- ``POST /__fake__/mode {"mode": "ok" | "rate_limit" | "down"}`` steers every later answer
  (rate_limit: errcode 45011; down: HTTP 503 without JSON).

Run alone: ``python -m devtools.fake_wechat --port 8900``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class FakeState:
    mode: str = "ok"
    messages: list[dict[str, Any]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    calls: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def session_key_for(openid: str) -> str:
    return hashlib.sha256(f"session:{openid}".encode()).hexdigest()[:24]


def face_verify_result(id_number: str, name: str, *, passed: bool = True) -> str:
    """The verify_result the mini-program would get from wx.startFacialRecognitionVerify."""
    return f"{'fake-face' if passed else 'fake-face-failed'}:{id_number}:{name}"


def face_identify_answer(verify_result: str) -> dict[str, Any]:
    kind, _, rest = verify_result.partition(":")
    number, _, name = rest.partition(":")
    if kind not in ("fake-face", "fake-face-failed") or not number or not name:
        return {"errcode": 84002, "errmsg": "user info expired"}
    return {"errcode": 0, "errmsg": "ok", "identify_ret": 0 if kind == "fake-face" else 10003,
            "identify_time": 1700000000, "validate_data": "", "openid": "fake", "user_id_key": "fake",
            "finish_time": 1700000000, "check_alive_type": 4,
            "id_card_number_md5": hashlib.md5(number.upper().encode()).hexdigest(),
            "name_utf8_md5": hashlib.md5(name.encode("utf-8")).hexdigest()}


class Handler(BaseHTTPRequestHandler):
    server: FakeWeChatServer  # type: ignore[assignment]

    def log_message(self, *_args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: Any) -> None:
        raw = json.dumps(body, ensure_ascii=False).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8" if status < 500 else "text/plain")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return {}

    def _guarded(self, path: str) -> bool:
        """Apply the steering mode; True when the request was already answered."""
        state = self.server.state
        with state.lock:
            state.calls[path] = state.calls.get(path, 0) + 1
            mode = state.mode
        if mode == "down":
            self._send(503, b"upstream down")
            return True
        if mode == "rate_limit":
            self._send(200, {"errcode": 45011, "errmsg": "api minute-quota reach limit"})
            return True
        return False

    def _token_ok(self, query: dict[str, list[str]]) -> bool:
        token = (query.get("access_token") or [""])[0]
        if token in self.server.state.tokens:
            return True
        self._send(200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
        return False

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        query = parse_qs(url.query)
        state = self.server.state
        if url.path == "/__fake__/messages":
            with state.lock:
                self._send(200, {"messages": list(state.messages)})
            return
        if url.path == "/__fake__/calls":
            with state.lock:
                self._send(200, dict(state.calls))
            return
        if self._guarded(url.path):
            return
        if url.path == "/cgi-bin/token":
            token = secrets.token_hex(16)
            with state.lock:
                state.tokens.add(token)
            self._send(200, {"access_token": token, "expires_in": 7200})
        elif url.path == "/sns/jscode2session":
            code = (query.get("js_code") or [""])[0]
            if not code.startswith("fake:") or len(code) <= 5:
                self._send(200, {"errcode": 40029, "errmsg": "invalid code"})
                return
            openid = code[5:]
            self._send(200, {"openid": openid, "session_key": session_key_for(openid)})
        else:
            self._send(404, {"errcode": 404, "errmsg": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        query = parse_qs(url.query)
        body = self._body()
        state = self.server.state
        if url.path == "/__fake__/mode":
            with state.lock:
                state.mode = str(body.get("mode", "ok"))
            self._send(200, {"mode": state.mode})
            return
        if url.path == "/__fake__/reset":
            with state.lock:
                state.mode, state.messages, state.calls = "ok", [], {}
            self._send(200, {"ok": True})
            return
        if self._guarded(url.path) or not self._token_ok(query):
            return
        if url.path == "/wxa/business/getuserphonenumber":
            code = str(body.get("code", ""))
            if not code.startswith("fake-phone:"):
                self._send(200, {"errcode": 40029, "errmsg": "invalid code"})
                return
            number = code.split(":", 1)[1]
            self._send(200, {"errcode": 0, "errmsg": "ok", "phone_info": {
                "phoneNumber": number, "purePhoneNumber": number, "countryCode": "86"}})
        elif url.path == "/cityservice/face/identify/getinfo":
            self._send(200, face_identify_answer(str(body.get("verify_result", ""))))
        elif url.path == "/cgi-bin/message/subscribe/send":
            with state.lock:
                state.messages.append(body)
            self._send(200, {"errcode": 0, "errmsg": "ok"})
        else:
            self._send(404, {"errcode": 404, "errmsg": "not found"})


class FakeWeChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.state = FakeState()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def start_in_background(port: int = 0) -> FakeWeChatServer:
    server = FakeWeChatServer(port)
    threading.Thread(target=server.serve_forever, name="fake-wechat", daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8900)
    args = parser.parse_args()
    server = FakeWeChatServer(args.port)
    print(f"fake WeChat API on {server.base_url}")
    server.serve_forever()


if __name__ == "__main__":
    main()
