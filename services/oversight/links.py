"""Short-lived dashboard links: the mini-program asks for one, the phone's browser opens it.

The token in the URL is good for minutes (settings.link_ttl_seconds) and for one use: it is
swapped for the page's own cookie the first time (the link id is recorded), so a link that reached a
log, a chat or a browser history opens nothing. The cookie holds the one page it was issued for.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from models import db
from models.base import utcnow
from models.oversight import DashboardLinkUse
from services.errors import Unauthenticated, Unprocessable
from services.settings import settings

PAGE_PATTERNS = (
    re.compile(r"^/dashboards/projects/(?P<project_id>\d{1,15})$"),
    re.compile(r"^/dashboards/companies/(?P<company_id>\d{1,15})$"),
    re.compile(r"^/dashboards/regulator$"),
)


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: datetime


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings().secret_key, salt="siteroll.dashboard-link")


def page_target(path: str) -> dict[str, int]:
    for pattern in PAGE_PATTERNS:
        if m := pattern.match(path):
            return {k: int(v) for k, v in m.groupdict().items()}
    raise Unprocessable("DASHBOARD_PATH_INVALID", details={"allowed": [
        "/dashboards/projects/{pid}", "/dashboards/companies/{cid}", "/dashboards/regulator"]})


def issue_link(actor_id: int, path: str) -> Link:
    """The caller must be allowed to see the page now (the dashboards service checks)."""
    from services.oversight import dashboards

    target = page_target(path)
    dashboards.check_page(actor_id, path, target)
    ttl = settings().oversight.link_ttl_seconds
    token = _serializer().dumps({"u": actor_id, "p": path, "j": secrets.token_hex(16)})
    return Link(f"{path}?link={token}", utcnow() + timedelta(seconds=ttl))


def redeem_link(token: str, path: str) -> int:
    """The user id the link was issued to, if it is fresh and for this page."""
    try:
        data = _serializer().loads(token, max_age=settings().oversight.link_ttl_seconds)
    except SignatureExpired as exc:
        raise Unauthenticated("DASHBOARD_LINK_EXPIRED") from exc
    except BadSignature as exc:
        raise Unauthenticated("DASHBOARD_LINK_INVALID") from exc
    if data.get("p") != path or not isinstance(data.get("j"), str):
        raise Unauthenticated("DASHBOARD_LINK_INVALID")
    try:
        with db.session.begin_nested():  # two browsers racing with one link: the second one loses
            db.session.add(DashboardLinkUse(link_id=data["j"], user_id=int(data["u"]), used_at=utcnow()))
    except IntegrityError as exc:
        raise Unauthenticated("DASHBOARD_LINK_USED") from exc
    return int(data["u"])
