"""Short-lived dashboard links: the mini-program asks for one, the phone's browser opens it.

The token in the URL is good for minutes (settings.link_ttl_seconds) and is swapped for the
page's own cookie on first use; nothing in a URL outlives the link's few minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from models.base import utcnow
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
    token = _serializer().dumps({"u": actor_id, "p": path})
    return Link(f"{path}?link={token}", utcnow() + timedelta(seconds=ttl))


def redeem_link(token: str, path: str) -> int:
    """The user id the link was issued to, if it is fresh and for this page."""
    try:
        data = _serializer().loads(token, max_age=settings().oversight.link_ttl_seconds)
    except SignatureExpired as exc:
        raise Unauthenticated("DASHBOARD_LINK_EXPIRED") from exc
    except BadSignature as exc:
        raise Unauthenticated("DASHBOARD_LINK_INVALID") from exc
    if data.get("p") != path:
        raise Unauthenticated("DASHBOARD_LINK_INVALID")
    return int(data["u"])
