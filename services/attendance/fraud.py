"""Anti-fraud flags of a clock. A flag never drops a record: it is a code on the clock (and on its
day) that the leader and the labour manager see.

A face clock gets them when it is decided (services/attendance/clocks.py ``decide``, in the face
job's transaction), so the request that accepts it stays short; a clock decided at once (rejected
by the fence, witnessed) gets them when it is recorded. Either way they compare with the clocks
recorded before it (``before_id``), never with later ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, true

from models import db
from models.attendance import Clock
from services.geo import distance_m

MAX_SPEED_KMH = 120  # faster between two clocks than a car on the expressway
MIN_SPEED_DISTANCE_M = 2000  # below this GPS noise alone can make any speed
REPEAT_DECIMALS = 6  # a real fix jitters in the 5th–6th decimal; spoofing apps replay one value
REPEAT_LOOKBACK = timedelta(days=30)
SHARED_DEVICE_WINDOW = timedelta(minutes=10)


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".", 1)[1]) if "." in text else 0


def _earlier(before_id: int | None):
    return Clock.id < before_id if before_id is not None else true()


def repeated_coordinates(project_id: int, lat: float, lng: float, taken_at: datetime,
                         before_id: int | None = None) -> bool:
    if min(_decimals(lat), _decimals(lng)) < REPEAT_DECIMALS:
        return False
    found = db.session.execute(select(Clock.id).where(
        Clock.project_id == project_id, Clock.lat == lat, Clock.lng == lng,
        Clock.taken_at >= taken_at - REPEAT_LOOKBACK, _earlier(before_id)).limit(1)).first()
    return found is not None


def impossible_speed(user_id: int, lat: float, lng: float, taken_at: datetime, before_id: int | None = None) -> bool:
    """Against the worker's nearest earlier clock (any project; rejected ones included: the phone was there)."""
    previous = db.session.execute(select(Clock.lat, Clock.lng, Clock.taken_at).where(
        Clock.user_id == user_id, Clock.taken_at <= taken_at, Clock.taken_at >= taken_at - timedelta(hours=12),
        ~((Clock.lat == 0) & (Clock.lng == 0)), _earlier(before_id))
        .order_by(Clock.taken_at.desc()).limit(1)).one_or_none()
    if previous is None:
        return False
    metres = distance_m(previous.lat, previous.lng, lat, lng)
    if metres < MIN_SPEED_DISTANCE_M:
        return False
    hours = max((taken_at - previous.taken_at).total_seconds(), 1) / 3600
    return metres / 1000 / hours > MAX_SPEED_KMH


def shared_device(device_id: str | None, user_id: int, taken_at: datetime, before_id: int | None = None) -> bool:
    if not device_id:
        return False
    others = db.session.scalar(select(func.count(func.distinct(Clock.user_id))).where(
        Clock.device_id == device_id, Clock.user_id != user_id,
        Clock.taken_at.between(taken_at - SHARED_DEVICE_WINDOW, taken_at + SHARED_DEVICE_WINDOW),
        _earlier(before_id)))
    return bool(others)


def flags_for(*, project_id: int, user_id: int, lat: float, lng: float, taken_at: datetime,
              device_id: str | None, before_id: int | None = None) -> list[str]:
    """``before_id``: the clock's own id once it is stored (only clocks recorded before it count)."""
    flags = []
    if repeated_coordinates(project_id, lat, lng, taken_at, before_id):
        flags.append("REPEATED_COORDINATES")
    if impossible_speed(user_id, lat, lng, taken_at, before_id):
        flags.append("IMPOSSIBLE_SPEED")
    if shared_device(device_id, user_id, taken_at, before_id):
        flags.append("SHARED_DEVICE")
    return flags
