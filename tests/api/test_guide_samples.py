"""The guide's code samples (login, upload, poll, sign, clock) run as written against a fresh demo.

The JavaScript between the markers of miniprogram_api_docs/README.md chapter 14 is taken as it is
(only ``BASE`` gets a domain, as the guide says), put after a ``wx`` that offers only what the
mini-program runtime does (tests/guide_samples/wx_shim.js) and run by node against this app served
on a loopback port behind a reverse proxy's headers; a driver (tests/guide_samples/driver.js)
walks a new worker through the guide's steps, with the guide's sample profile.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from datetime import UTC, datetime

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import make_server

from config import ROOT
from services.demo import GEOFENCE, JOIN_CODE
from services.enrollment import rules
from tests.api.test_contracts import signature_png
from tests.conftest import drain_jobs
from tests.faces.photos import FACES

pytestmark = pytest.mark.slow

GUIDE = ROOT / "miniprogram_api_docs" / "README.md"
SAMPLES = ROOT / "tests" / "guide_samples"
DOMAIN = "siteroll.example.cn"
START = "<!-- 示例代码开始"
END = "<!-- 示例代码结束 -->"
FRAMES_START, FRAMES_END = "<!-- 多张照片示例开始", "<!-- 多张照片示例结束 -->"


def guide_code(start: str = START, end: str = END) -> str:
    text = GUIDE.read_text()
    block = text[text.index(start):text.index(end)]
    code = re.search(r"```js\n(.*?)```", block, re.S)
    assert code is not None
    return code.group(1)


def guide_profile() -> dict:
    """The profile sample of chapter 10.1 step 3, as printed."""
    text = GUIDE.read_text()
    block = re.search(r"PUT /api/v1/me/profile`：\n\s*```json\n(.*?)```", text, re.S)
    assert block is not None
    return json.loads(block.group(1))


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, ProxyFix(app, x_for=1, x_proto=1, x_host=1), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def run_while_jobs_are_worked(app, command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """In RQ mode this process is the rq worker meanwhile (in the main thread: rq sets signal handlers);
    the in-process runner works on its own."""
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        deadline = time.monotonic() + 600
        while proc.poll() is None and time.monotonic() < deadline:
            if app.config["JOBS_MODE"] == "rq":
                with app.app_context():
                    drain_jobs(app)
            time.sleep(0.3)
        if proc.poll() is None:
            proc.kill()
        out, err = proc.communicate()
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def test_guide_samples_run_as_written_on_a_fresh_demo(app, served, tmp_path) -> None:
    node = shutil.which("node")
    assert node, "node runs the guide's JavaScript samples (Debian package nodejs)"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    code, frames = guide_code(), guide_code(FRAMES_START, FRAMES_END)
    for sample in (code, frames):
        assert "const BASE = 'https://<你的服务域名>';" in sample
    code, frames = code.replace("<你的服务域名>", DOMAIN), frames.replace("<你的服务域名>", DOMAIN)
    # chapter 9's sample in a scope of its own (both define BASE and newKey, as two pages of an app would)
    chapter9 = f"const chapter9 = (() => {{\n{frames}\nreturn {{ uploadFaceCheck, waitResult }};\n}})();\n"
    script = tmp_path / "guide.js"
    script.write_text("\n".join(((SAMPLES / "wx_shim.js").read_text(), chapter9, code, (SAMPLES / "driver.js").read_text())))
    signature = tmp_path / "signature.png"
    signature.write_bytes(signature_png())
    files = {"wxfile://enroll.jpg": FACES / "img20.jpg", "wxfile://contract.jpg": FACES / "img21.jpg",
             "wxfile://clock.jpg": FACES / "img20.jpg", "wxfile://signature.png": signature}
    env = {**os.environ, "SITEROLL_SERVER": served, "SITEROLL_DOMAIN": DOMAIN,
           "SITEROLL_FILES": json.dumps({k: str(v) for k, v in files.items()}),
           "SITEROLL_AT": json.dumps([GEOFENCE["center"]["lat"], GEOFENCE["center"]["lng"]]),
           "SITEROLL_DRIVER": json.dumps({
               "worker_openid": "guide-sample-worker", "join_code": JOIN_CODE, "profile": guide_profile(),
               "training": list(rules.DEFAULTS.training_hours.items()),
               "today": datetime.now(UTC).date().isoformat()})}
    run = run_while_jobs_are_worked(app, [node, str(script)], env)
    assert run.returncode == 0, run.stderr + run.stdout
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["login"] == {"token_type": "Bearer", "has_user": True}
    assert out["profile"]["id_number_masked"].startswith("1101")
    assert out["enroll"]["status"] == "passed"
    assert out["sign"]["status"] == "worker_signed", out["sign"]
    assert out["contract"]["status"] == "signed", out["contract"]["status"]
    assert out["clock"]["status"] == "accepted", out["clock"]
