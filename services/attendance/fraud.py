"""Anti-fraud flags computed when a clock is recorded. A flag never drops a record: it is a code
on the clock (and on its day) that the leader and the labour manager see."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

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


def repeated_coordinates(project_id: int, lat: float, lng: float, taken_at: datetime) -> bool:
    if min(_decimals(lat), _decimals(lng)) < REPEAT_DECIMALS:
        return False
    found = db.session.execute(select(Clock.id).where(
        Clock.project_id == project_id, Clock.lat == lat, Clock.lng == lng,
        Clock.taken_at >= taken_at - REPEAT_LOOKBACK).limit(1)).first()
    return found is not None


def impossible_speed(user_id: int, lat: float, lng: float, taken_at: datetime) -> bool:
    """Against the worker's nearest earlier clock (any project; rejected ones included: the phone was there)."""
    previous = db.session.execute(select(Clock).where(
        Clock.user_id == user_id, Clock.taken_at <= taken_at, Clock.taken_at >= taken_at - timedelta(hours=12),
        ~((Clock.lat == 0) & (Clock.lng == 0)))
        .order_by(Clock.taken_at.desc()).limit(1)).scalar_one_or_none()
    if previous is None:
        return False
    metres = distance_m(previous.lat, previous.lng, lat, lng)
    if metres < MIN_SPEED_DISTANCE_M:
        return False
    hours = max((taken_at - previous.taken_at).total_seconds(), 1) / 3600
    return metres / 1000 / hours > MAX_SPEED_KMH


def shared_device(device_id: str | None, user_id: int, taken_at: datetime) -> bool:
    if not device_id:
        return False
    others = db.session.scalar(select(func.count(func.distinct(Clock.user_id))).where(
        Clock.device_id == device_id, Clock.user_id != user_id,
        Clock.taken_at.between(taken_at - SHARED_DEVICE_WINDOW, taken_at + SHARED_DEVICE_WINDOW)))
    return bool(others)


def flags_for(*, project_id: int, user_id: int, lat: float, lng: float, taken_at: datetime,
              device_id: str | None) -> list[str]:
    flags = []
    if repeated_coordinates(project_id, lat, lng, taken_at):
        flags.append("REPEATED_COORDINATES")
    if impossible_speed(user_id, lat, lng, taken_at):
        flags.append("IMPOSSIBLE_SPEED")
    if shared_device(device_id, user_id, taken_at):
        flags.append("SHARED_DEVICE")
    return flags
