"""A fake government platform on 127.0.0.1, which the outbox's delivery really calls, and which
behaves like the real one as ibisTime/xn-gchf meets it:

- ``POST /``  the platform call (form fields as xn-gchf sends them): the signature is verified and
  every AES field decrypted. A write (``*.Add``) is answered at once with ``code 0`` and a
  ``requestSerialCode``; it is validated later, when ``AsyncHandleResult.Query`` asks for it (the
  first ``hold`` queries answer status 0 待处理), against this module's own copy of the standard's
  rules (devtools/fake_platform_rules.py: required fields, codes, ID check digit) and its own
  registry: the project code must be registered, teamSysNo must be one it assigned (Team.Add's
  result carries it), a worker must have been accepted by ProjectWorker.Add before anything else
  names him. Status 20 处理成功 / 10 处理失败 with the reason. One copy per ``thirdSerialCode``.
- ``POST /__fake__/projects {"code": ...}`` registers a project code (as 项目登记 would).
- ``POST /__fake__/mode {"mode": "accept" | "reject" | "timeout", "times": n}`` steers the next n
  calls (without ``times``: every later call); timeout sleeps past the client's timeout.
- ``GET /__fake__/received``  what was accepted (decrypted), ``/__fake__/rejected`` what was refused
  and why, ``/__fake__/calls`` every call.

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

from devtools import fake_platform_rules as rules

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


ENCRYPTED = ("idCardNumber", "payRollBankCardNumber", "payBankCardNumber", "teamLeaderIdNumber",
             "responsiblePersonIdNumber")


@dataclass
class PlatformState:
    secret: str
    appid: str
    mode: str = "accept"
    times: int | None = None
    timeout_seconds: float = 3.0
    hold: int = 1  # queries answered 待处理 before a write is resolved
    received: dict[str, dict[str, Any]] = field(default_factory=dict)  # accepted, by thirdSerialCode
    rejected: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    projects: set[str] = field(default_factory=set)
    teams: dict[str, tuple[str, str]] = field(default_factory=dict)  # teamSysNo -> (projectCode, teamName)
    workers: set[tuple[str, str]] = field(default_factory=set)  # (projectCode, idCardNumber)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # requestSerialCode -> write
    serial: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_mode(self) -> str:
        with self.lock:
            mode = self.mode
            if self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.mode, self.times = "accept", None
            return mode


def _registry(state: PlatformState, method: str, data: dict[str, Any]) -> list[str]:
    """The platform's own records: the project, its teams and workers must be known."""
    project = str(data.get("projectCode") or "")
    if project not in state.projects:
        return [f"项目编码 {project} 不存在"]
    team = data.get("teamSysNo")
    if method != "Team.Add" and team is not None and state.teams.get(str(team), ("",))[0] != project:
        return [f"班组编号 {team} 不存在"]
    if method == "Team.Add":
        if any(v == (project, data.get("teamName")) for v in state.teams.values()):
            return [f"班组已存在: {data.get('teamName')}"]
        return []
    items = next((data[k] for k in ("workerList", "contractList", "dataList", "detailList") if k in data), [])
    problems = []
    for item in items:
        known = (project, str(item.get("idCardNumber"))) in state.workers
        if method == "ProjectWorker.Add" and known:
            problems.append(f"项目中已存在身份证为{item.get('idCardNumber')}的人员")
        elif method != "ProjectWorker.Add" and not known:
            problems.append(f"项目中不存在身份证为{item.get('idCardNumber')}的人员")
    return problems


def resolve(state: PlatformState, write: dict[str, Any]) -> tuple[str, str]:
    """Decide one write (under the lock): (status 20 | 10, result)."""
    method, data = write["method"], write["data"]
    serial = str(data.get("thirdSerialCode") or "")
    if serial and serial in state.received:
        return "20", state.received[serial]["result"]
    problems = rules.check(method, data) or _registry(state, method, data)
    if problems:
        state.rejected.append({"method": method, "data": data, "reason": "；".join(problems)})
        return "10", "；".join(problems)
    result = "{}"
    if method == "Team.Add":
        team_sys_no = str(10000000 + len(state.teams) + 1)
        state.teams[team_sys_no] = (data["projectCode"], data["teamName"])
        result = json.dumps({"teamSysNo": team_sys_no})
    elif method == "ProjectWorker.Add":
        state.workers |= {(data["projectCode"], str(w["idCardNumber"])) for w in data["workerList"]}
    elif method == "Payroll.Add":
        result = json.dumps([{"payrollCode": f"PR{len(state.received) + 1:08d}"}])
    state.received[serial or write["serial"]] = {"method": method, "data": data, "result": result}
    return "20", result


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
            elif self.path == "/__fake__/rejected":
                self._send(200, {"items": list(state.rejected)})
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
        if path == "/__fake__/projects":
            with state.lock:
                state.projects.add(str(json.loads(raw or b"{}")["code"]))
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
        with state.lock:
            if fields["method"] == "AsyncHandleResult.Query":
                self._send(200, self._query(state, str(data.get("requestSerialCode") or "")))
                return
            state.serial += 1
            serial = f"{fields['method'].replace('.', '-').lower()}-{state.serial:06d}"
            state.pending[serial] = {"method": fields["method"], "data": data, "serial": serial, "queries": 0}
        self._send(200, {"code": 0, "message": "success", "data": {"requestSerialCode": serial}})

    @staticmethod
    def _query(state: PlatformState, serial: str) -> dict[str, Any]:
        write = state.pending.get(serial)
        if write is None:
            return {"code": 1003, "message": f"requestSerialCode {serial} 不存在"}
        if "status" not in write:
            if write["queries"] < state.hold:
                write["queries"] += 1
                return {"code": 0, "message": "success", "data": {"status": "0", "result": None}}
            write["status"], write["result"] = resolve(state, write)
        return {"code": 0, "message": "success", "data": {"status": write["status"], "result": write["result"]}}


class FakePlatformServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, secret: str, appid: str, port: int = 0, projects: tuple[str, ...] = ()) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.state = PlatformState(secret=secret, appid=appid, projects=set(projects))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def start_in_background(secret: str, appid: str, port: int = 0, projects: tuple[str, ...] = ()) -> FakePlatformServer:
    server = FakePlatformServer(secret, appid, port, projects)
    threading.Thread(target=server.serve_forever, name="fake-platform", daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--appid", default="siteroll-demo")
    parser.add_argument("--secret", default="0123456789abcdef0123456789abcdef")
    parser.add_argument("--project", action="append", default=[], help="a registered project code (repeat)")
    args = parser.parse_args()
    server = FakePlatformServer(args.secret, args.appid, args.port, tuple(args.project))
    print(f"fake government platform on {server.base_url}")
    server.serve_forever()


if __name__ == "__main__":
    main()
