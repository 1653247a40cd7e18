"""A bare Flask app with one trivial JSON endpoint: the baseline for bench/api_bench.py.

``gunicorn bench.bare_app:app`` (from the repository root) serves ``GET /bare`` -> ``{"ok": true}``.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/bare")
def bare() -> dict[str, bool]:
    return {"ok": True}
