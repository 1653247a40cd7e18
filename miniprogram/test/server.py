"""A real SiteRoll for the mini-program's tests: the demo (SITEROLL_DEMO=1) on a SQLite file in a
temporary folder, jobs in-process, the fake WeChat server, served over HTTP on a free loopback port.

Run with the project's Python (`.venv/bin/python miniprogram/test/server.py`); prints one JSON line
({"base_url", "wechat_url", "project_id", "team_id"}) once it answers, and serves until stdin closes
(the test run ends) or SIGTERM. Only the demo's people, project, team and fence are seeded
(`services.demo.seed_demo`): the journeys enroll their own workers, which is what they test.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

# the backend whose code runs: this checkout, or another one given as the first argument
ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
# a SiteRoll of its own: nothing from the caller's environment may point it at a real database,
# Redis or WeChat (only the contract font, which is machine-specific, is kept)
for _name in [n for n in os.environ if n.startswith("SITEROLL_") and n != "SITEROLL_CONTRACT_FONT_PATH"]:
    del os.environ[_name]
os.environ["SITEROLL_DEMO"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from PIL import Image, ImageDraw  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from config import DEFAULT_RATE_LIMITS, new_keys  # noqa: E402
from devtools.fake_wechat import start_in_background  # noqa: E402
from models import db  # noqa: E402
from services.demo import seed_demo  # noqa: E402


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="siteroll-mp-"))
    wechat = start_in_background()
    app = create_app({
        **new_keys(),  # fresh keys: nothing generated into the instance folder
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'siteroll.db'}",
        "DEMO": True,
        "JOBS_MODE": "inprocess",
        "EMBEDDED_PERIODIC_JOBS": False,
        "FACE_WARM_UP_ON_START": True,  # the models load while the journeys log in and join
        "WECHAT_API_BASE": wechat.base_url,
        "WECHAT_APPID": "wx-mp-test",
        "WECHAT_SECRET": "mp-test-secret",
        "AUDIT_CHECKPOINT_PATH": str(tmp / "audit-checkpoints.log"),
        # the journeys act far faster than people; the api layer's 429 handling is tested with a
        # 429 the adapter makes, not by exhausting the limits
        "RATE_LIMITS": {name: ("100000 per minute", "100000 per minute") for name in DEFAULT_RATE_LIMITS},
    })
    with app.app_context():
        db.create_all()
        ids = seed_demo()
        db.session.commit()
    # what the signature canvas exports (wx.canvasToTempFilePath, PNG): a few strokes on transparent
    signature = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    ImageDraw.Draw(signature).line([(20, 90), (80, 20), (120, 100), (180, 30), (240, 95), (330, 40)],
                                   fill=(0, 0, 0, 255), width=6)
    signature.save(tmp / "signature.png", "PNG")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_address[1]
    print(json.dumps({"base_url": f"http://127.0.0.1:{port}", "wechat_url": wechat.base_url,
                      "project_id": ids.project_id, "team_id": ids.team_id, "tmp": str(tmp),
                      "signature_png": str(tmp / "signature.png")}), flush=True)

    def stop(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    # the test run holds our stdin: when it ends (even killed), we end too
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    server.serve_forever()
    wechat.shutdown()


if __name__ == "__main__":
    main()
