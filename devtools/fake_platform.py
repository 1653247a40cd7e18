"""A fake government platform on 127.0.0.1, which the outbox's delivery really calls.

- ``POST /``  the platform call (form fields as ibisTime/xn-gchf sends them): the
  signature is verified and every AES field decrypted; one copy is kept per ``thirdSerialCode``.
- ``POST /__fake__/mode {"mode": "accept" | "reject" | "timeout", "times": n}`` steers the next n
  calls (without ``times``: every later call); timeout sleeps past the client's timeout.
- ``GET /__fake__/received``  what was accepted (decrypted), ``GET /__fake__/calls`` every call.

Run alone: ``python -m devtools.fake_platform --port 8901 --secret <32 chars>``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# the platform's side of the protocol, written again from the xn-gchf client rather than shared with
# infra/platform_protocol.py: a mistake in our signing or encryption then fails here as it would there
SIGNED_FIELDS = ("appid", "data", "format", "method", "nonce", "timestamp", "version")


def verify(fields: dict[str, str], secret: str) -> bool:
    text = "&".join(f"{k}={fields.get(k, '')}" for k in SIGNED_FIELDS) + f"&appsecret={secret}"
    return hmac.compare_digest(hashlib.sha256(text.lower().encode()).hexdigest(), fields.get("sign", ""))


def decrypt_field(value: str, secret: str) -> str:
    key = secret.encode()
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    raw = dec.update(base64.b64decode(value)) + dec.finalize()
    return (unpadder.update(raw) + unpadder.finalize()).decode()


ENCRYPTED = ("idCardNumber", "payRollBankCardNumber", "PayBankCardNumber")


@dataclass
class PlatformState:
    secret: str
    appid: str
    mode: str = "accept"
    times: int | None = None
    timeout_seconds: float = 3.0
    received: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_mode(self) -> str:
        with self.lock:
            mode = self.mode
            if self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.mode, self.times = "accept", None
            return mode


def _decrypt(value: Any, secret: str) -> Any:
    if isinstance(value, dict):
        return {k: decrypt_field(v, secret) if k in ENCRYPTED else _decrypt(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_decrypt(v, secret) for v in value]
    return value


class Handler(BaseHTTPRequestHandler):
    server: FakePlatformServer  # type: ignore[assignment]

    def log_message(self, *_args: Any) -> None:
        pass

    def _send(self, status: int, body: Any) -> None:
        raw = json.dumps(body, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout mode)
            pass

    def do_GET(self) -> None:  # noqa: N802
        state = self.server.state
        with state.lock:
            if self.path == "/__fake__/received":
                self._send(200, {"items": list(state.received.values())})
            elif self.path == "/__fake__/calls":
                self._send(200, {"items": list(state.calls)})
            else:
                self._send(404, {"code": 404, "message": "not found"})

    def _read(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self) -> None:  # noqa: N802
        state = self.server.state
        path = urlparse(self.path).path
        raw = self._read()
        if path == "/__fake__/mode":
            body = json.loads(raw or b"{}")
            with state.lock:
                state.mode, state.times = str(body.get("mode", "accept")), body.get("times")
            self._send(200, {"mode": state.mode})
            return
        if path == "/__fake__/reset":
            with state.lock:
                state.mode, state.times, state.received, state.calls = "accept", None, {}, []
            self._send(200, {"ok": True})
            return
        fields = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        mode = state.next_mode()
        call = {"method": fields.get("method"), "mode": mode, "signature_ok": verify(fields, state.secret)
                and fields.get("appid") == state.appid}
        with state.lock:
            state.calls.append(call)
        if not call["signature_ok"]:
            self._send(200, {"code": 1001, "message": "签名验证失败"})
            return
        if mode == "timeout":
            time.sleep(state.timeout_seconds)
            self._send(200, {"code": 0, "message": "late"})
            return
        if mode == "reject":
            self._send(200, {"code": 2001, "message": "数据校验不通过"})
            return
        try:
            data = _decrypt(json.loads(fields["data"]), state.secret)
        except (ValueError, KeyError) as exc:
            self._send(200, {"code": 1002, "message": f"解密失败: {exc}"})
            return
        serial = str(data.get("thirdSerialCode") or "")
        with state.lock:
            duplicate = serial in state.received
            if not duplicate:
                state.received[serial] = {"method": fields["method"], "data": data}
        self._send(200, {"code": 0, "message": "success", "data": {"requestSerialCode": serial,
                                                                   "duplicate": duplicate}})


class FakePlatformServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, secret: str, appid: str, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.state = PlatformState(secret=secret, appid=appid)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def start_in_background(secret: str, appid: str, port: int = 0) -> FakePlatformServer:
    server = FakePlatformServer(secret, appid, port)
    threading.Thread(target=server.serve_forever, name="fake-platform", daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--appid", default="siteroll-demo")
    parser.add_argument("--secret", default="0123456789abcdef0123456789abcdef")
    args = parser.parse_args()
    server = FakePlatformServer(args.secret, args.appid, args.port)
    print(f"fake government platform on {server.base_url}")
    server.serve_forever()


if __name__ == "__main__":
    main()
