"""Server-rendered oversight pages: role dashboards (opened with a short-lived link, then a
page cookie that lasts minutes) and the public 维权告示牌 (page and printable PDF)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, session

from blueprints.api import writes
from services.errors import DomainError, Unauthenticated
from services.oversight import charts, dashboards, links, notice_board
from services.settings import settings

bp = Blueprint("oversight_pages", __name__)

LINK_TOKEN = re.compile(r"([?&]link=)[^&\s\"']+")


class _NoLinkTokens(logging.Filter):
    """Access logs (the dev server's, gunicorn's) never keep a dashboard link's token."""

    def filter(self, record: logging.LogRecord) -> bool:
        def clean(v: Any) -> Any:
            return LINK_TOKEN.sub(r"\1[redacted]", v) if isinstance(v, str) else v

        if isinstance(record.msg, str):
            record.msg = clean(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: clean(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(clean(v) for v in record.args)
        return True


for _name in ("werkzeug", "gunicorn.access"):
    if not any(isinstance(f, _NoLinkTokens) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(_NoLinkTokens())

SESSION_KEY = "siteroll_dashboard"


def _viewer(path: str) -> int:
    """The user the page is for: a fresh link (once) swaps into the page cookie, else the cookie,
    which opens only the page it was issued for."""
    token = request.args.get("link")
    if token:
        user_id = links.redeem_link(token, path)
        session[SESSION_KEY] = {"u": user_id, "p": path,
                                "exp": int(time.time()) + settings().oversight.page_session_seconds}
        raise _Redirect(path)
    held = session.get(SESSION_KEY) or {}
    if not held or held.get("exp", 0) < time.time():
        raise Unauthenticated("DASHBOARD_LINK_EXPIRED")
    if held.get("p") != path:
        raise Unauthenticated("DASHBOARD_LINK_INVALID")
    return int(held["u"])


class _Redirect(Exception):
    def __init__(self, path: str) -> None:
        self.path = path


def _page(path: str, build: Callable[[int], dict[str, Any]], chart_builder, template: str) -> Response | tuple:
    try:
        data = build(_viewer(path))
    except _Redirect as r:
        return redirect(r.path, 303)
    except DomainError as e:
        return render_template("oversight/error.html", error=e), e.status
    resp = Response(render_template(template, d=data, charts=chart_builder(data)))
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


@bp.get("/dashboards/projects/<int:project_id>")
@writes  # a link is used once: its id is recorded
def project_page(project_id: int):
    return _page(request.path, lambda uid: dashboards.project_dashboard(uid, project_id), charts.project_page,
                 "oversight/project.html")


@bp.get("/dashboards/companies/<int:company_id>")
@writes  # a link is used once: its id is recorded
def company_page(company_id: int):
    return _page(request.path, lambda uid: dashboards.company_dashboard(uid, company_id), charts.company_page,
                 "oversight/company.html")


@bp.get("/dashboards/regulator")
@writes  # a link is used once: its id is recorded
def regulator_page():
    return _page(request.path, dashboards.regulator_dashboard, charts.regulator_page, "oversight/regulator.html")


@bp.get("/public/notice-boards/<public_id>")
def notice_board_page(public_id: str):
    try:
        board = notice_board.public_board(public_id)
    except DomainError as e:
        return render_template("oversight/error.html", error=e), e.status
    return render_template("oversight/notice_board.html", b=board, lines=notice_board.lines(board),
                           qr=notice_board.qr_svg(board.join_url) if board.join_url else None)


@bp.get("/public/notice-boards/<public_id>.pdf")
def notice_board_pdf(public_id: str):
    try:
        pdf = notice_board.render_pdf(public_id)
    except DomainError as e:
        return render_template("oversight/error.html", error=e), e.status
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = "inline; filename=notice-board.pdf"
    return resp


@bp.get("/public/join/<join_code>")
def join_page(join_code: str):
    return render_template("oversight/join.html", join_code=join_code.upper()[:16])
