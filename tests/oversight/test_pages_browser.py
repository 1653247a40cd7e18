"""Each dashboard page in a real headless chromium: the charts rendered (the page's render
marker, and every chart canvas has drawn pixels), no console errors; screenshots are kept in
instance/screenshots/ (SITEROLL_SCREENSHOT_DIR overrides) for a person to look at."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from models import Company, NoticeBoard, Project, User, db
from services.demo import seed_demo
from services.oversight.demo import SECOND_JOIN_CODE, seed_oversight_demo
from tests.conftest import ROOT
from tests.factories import bearer
from tests.oversight.browser import Browser, chromium_path

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed")
SHOTS = Path(os.environ.get("SITEROLL_SCREENSHOT_DIR", ROOT / "instance" / "screenshots"))


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def demo(app):
    with app.app_context():
        ids = seed_demo()
        seed_oversight_demo(ids.project_id, ids.company_id)
        db.session.commit()
        users = {o: db.session.execute(select(User).where(User.openid == o)).scalar_one()
                 for o in ("demo-admin", "demo-owner", "demo-regulator", "demo-supervisor")}
        second = db.session.execute(select(Project.id).where(Project.join_code == SECOND_JOIN_CODE)).scalar_one()
        company = db.session.get(Company, ids.company_id)
        row = db.session.get(NoticeBoard, ids.project_id)
        if row.published_at is None:  # the demo lacks an Art. 34 item: published here for the page's test only
            from models.base import utcnow

            row.published_at, row.public_id = utcnow(), "demo-board-public-id-0001"
            db.session.commit()
        board = row.public_id
        return {"project": ids.project_id, "second": second, "company": company.id, "board": board,
                "h": {k: bearer(u) for k, u in users.items()}}


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def test_dashboard_pages_render_charts_without_console_errors(client, served, demo, browser):
    pages = [("project", "demo-admin", f"/dashboards/projects/{demo['project']}", 5),
             ("project-supervisor", "demo-supervisor", f"/dashboards/projects/{demo['project']}", 5),
             ("company", "demo-owner", f"/dashboards/companies/{demo['company']}", 4),
             ("regulator", "demo-regulator", "/dashboards/regulator", 4)]
    for name, who, path, charts in pages:
        link = client.post("/api/v1/dashboard-links", json={"path": path}, headers=demo["h"][who])
        assert link.status_code == 201, link.get_json()
        result = browser.open(served + link.get_json()["url"], SHOTS / f"dashboard-{name}.png")
        assert result.errors == [], (name, result.errors)
        assert result.marker == str(charts), name
        assert result.canvases_drawn == charts, name
        assert result.screenshot.stat().st_size > 10_000


def test_notice_board_page_renders(served, demo, browser):
    result = browser.open(served + f"/public/notice-boards/{demo['board']}", SHOTS / "notice-board.png",
                          timeout=5)
    assert result.errors == []
    assert result.screenshot.stat().st_size > 5_000


def test_expired_or_missing_link_shows_no_data(served, demo, browser):
    result = browser.open(served + f"/dashboards/projects/{demo['project']}", SHOTS / "dashboard-no-link.png",
                          timeout=3)
    assert result.marker is None and result.canvases_drawn == 0
