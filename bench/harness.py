"""What every benchmark here needs: processes it starts and always stops, free ports, HTTP
polling, fresh keys, percentiles, memory figures, the report. Figures only, no thresholds."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config import new_keys  # noqa: E402

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
REQUEST_TIMEOUT_S = 10.0


class BenchError(RuntimeError):
    """Setup failed (migration, seeding, a server that never answered, login)."""


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def random_keys() -> dict[str, str]:
    """Fresh keys as environment variables, so nothing is generated into the instance folder."""
    return {f"SITEROLL_{name}": value for name, value in new_keys().items()}


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile; None when there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """RSS counts the TensorFlow libraries each worker maps; PSS shares them out fairly."""
    out: dict[str, float] = {}
    for name, keys in (("status", ("VmRSS", "VmHWM")), ("smaps_rollup", ("Pss", "Private_Dirty"))):
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in keys:
                out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")


# --- processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    started: float = field(default_factory=time.monotonic)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Processes:
    """The servers this run started; each in its own session so stop() can end the whole group."""

    def __init__(self, log_dir: Path, env: Mapping[str, str]) -> None:
        self.log_dir = log_dir
        self.env = dict(env)
        self.procs: list[Proc] = []

    def start(self, name: str, argv: list[str]) -> Proc:
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C goes to us only; we stop the servers in order
            )
        proc = Proc(name, popen, log_path)
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            stop_group(proc.popen)
        self.procs.clear()


def stop_group(popen: subprocess.Popen[bytes]) -> None:
    """SIGTERM the leader (gunicorn shuts its workers down), then SIGKILL whatever is left of its group."""
    pgid = popen.pid  # start_new_session: the leader's pid is the group id
    if popen.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            popen.send_signal(signal.SIGTERM)
        try:
            popen.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            popen.wait(timeout=STOP_TIMEOUT_S)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:  # workers leave shortly after their master
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def run_flask(args: list[str], env: Mapping[str, str]) -> str:
    argv = [sys.executable, "-m", "flask", "--app", "app", *args]
    done = subprocess.run(argv, cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise BenchError(f"`flask --app app {' '.join(args)}` exited {done.returncode}:\n"
                         f"{done.stdout}{done.stderr}")
    return done.stdout



# --- HTTP -----------------------------------------------------------------------------------------


def http_call(port: int, method: str, path: str, body: Any = None,
              headers: Mapping[str, str] | None = None, timeout: float = REQUEST_TIMEOUT_S) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        raw = None if body is None else json.dumps(body).encode()
        hdrs = dict(headers or {})
        if raw is not None:
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=raw, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_until_answers(proc: Proc, port: int, path: str, timeout: float = STARTUP_TIMEOUT_S) -> float:
    """Poll until the server answers 2xx/3xx; seconds since it was started. Fails fast if it died."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise BenchError(f"{proc.name} exited with {proc.popen.returncode} before answering:\n"
                             f"{proc.log_tail()}")
        try:
            status, body = http_call(port, "GET", path, timeout=2)
            if status < 400:
                return time.monotonic() - proc.started
            last = f"HTTP {status}: {body[:300]!r}"
        except OSError as exc:
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.1)
    raise BenchError(f"{proc.name} did not answer GET {path} within {timeout:.0f}s ({last}):\n{proc.log_tail()}")


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """A SIGTERM to the bench unwinds like Ctrl-C, so the finally blocks stop the servers."""
    def handler(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
