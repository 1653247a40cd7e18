"""Short-lived signed links to one photo or signature image, for ``<image src>`` (which sends no
headers, so no bearer token): the one place such links are made and checked.

A link names the object (``kind``, ``object_id``), the viewer it was made for, and when it
expires; its signature is an HMAC over the four with a key derived from the app's secret, so it
cannot be guessed or moved to another object or viewer, and it carries no bearer token. It lives
``MiniProgramSettings.media_link_seconds`` (a few minutes) and opens the object only if that viewer
may still see it (the route re-runs the area's audited read as the viewer). The bearer-token paths
(``wx.downloadFile``) stay as they are.

The expiry is rounded up to a step of half the lifetime, so one object's link stays the same for
that long and the ETag of the answer that lists it does not change on every poll. When objects
move to an object store (its ``signed_url(key, seconds)``), ``make_link`` / ``check_link`` stay the
interface: the route behind them is what changes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from models.base import utcnow
from services.errors import NotFound
from services.settings import settings

KINDS = ("clock-photo", "contract-signature", "payslip-signature")
SIGNATURE_CHARS = 32  # 192 bits of HMAC-SHA256, base64url


@dataclass(frozen=True)
class MediaLink:
    kind: str
    object_id: int
    viewer: int
    expires: int  # unix seconds
    sig: str

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires, tz=UTC)


def _key() -> bytes:
    # derived, not the secret itself: a leaked link key cannot sign bearer tokens
    return hmac.new(settings().secret_key.encode(), b"siteroll media link v1", hashlib.sha256).digest()


def _sign(kind: str, object_id: int, viewer: int, expires: int) -> str:
    mac = hmac.new(_key(), f"{kind}|{object_id}|{viewer}|{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:SIGNATURE_CHARS]


def make_link(kind: str, object_id: int, viewer: int, now: datetime | None = None) -> MediaLink:
    """A link to one object for one viewer, valid between one and one and a half lifetimes."""
    if kind not in KINDS:
        raise ValueError(f"unknown media kind {kind!r}")
    lifetime = settings().miniprogram.media_link_seconds
    step = max(lifetime // 2, 1)
    moment = int((now or utcnow()).timestamp())
    expires = (moment + lifetime) // step * step + step
    return MediaLink(kind, object_id, viewer, expires, _sign(kind, object_id, viewer, expires))


def check_link(kind: str, object_id: int, viewer: int, expires: int, sig: str, now: datetime | None = None) -> int:
    """The viewer the link was made for; a wrong, foreign or expired link is a 404 (nothing to learn)."""
    lifetime = settings().miniprogram.media_link_seconds
    moment = int((now or utcnow()).timestamp())
    if (kind not in KINDS or not hmac.compare_digest(sig.encode(), _sign(kind, object_id, viewer, expires).encode())
            or not moment <= expires <= moment + 2 * lifetime):
        raise NotFound("MEDIA_LINK_INVALID")
    return viewer
