"""The rules without HTTP: day aggregation, the business day of night shifts, the fence with accuracy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.attendance import Clock
from services.attendance import geofence
from services.attendance.days import aggregate
from services.attendance.rules import SHANGHAI, Rules, business_date, day_window
from tests.factories import GEOFENCE

T0 = datetime(2026, 11, 20, 7, 0, tzinfo=SHANGHAI).astimezone(UTC)


def clock(direction: str, minutes: int, flags: list[str] | None = None) -> Clock:
    return Clock(direction=direction, taken_at=T0 + timedelta(minutes=minutes), flags=flags or [])


@pytest.mark.parametrize(("clocks", "expected"), [
    ([], ("absent", 0)),
    ([clock("in", 0)], ("missing_out", 0)),
    ([clock("out", 600)], ("absent", 0)),
    ([clock("in", 0), clock("out", 600)], ("present", 600)),
    ([clock("in", 0), clock("in", 3), clock("out", 300)], ("half", 300)),  # a repeated in keeps the first
    ([clock("in", 0), clock("out", 240), clock("in", 300), clock("out", 540)], ("present", 480)),  # lunch
    ([clock("in", 0), clock("out", 100)], ("absent", 100)),
])
def test_aggregate(clocks, expected) -> None:
    result = aggregate(clocks, Rules())
    assert (result.status, result.worked_minutes) == expected


def test_aggregate_keeps_flags_and_times() -> None:
    result = aggregate([clock("out", 600, ["LOW_ACCURACY"]), clock("in", 0, ["WITNESSED"])], Rules())
    assert result.flags == ["LOW_ACCURACY", "WITNESSED"]
    assert (result.first_in, result.last_out) == (T0, T0 + timedelta(minutes=600))
    assert aggregate([clock("out", 60)], Rules()).flags == ["MISSING_IN"]


def test_night_shift_belongs_to_the_day_it_started() -> None:
    night = Rules(day_starts_minute=240)  # the business day starts at 04:00 Beijing time
    evening = datetime(2026, 11, 20, 20, 0, tzinfo=SHANGHAI)
    after_midnight = datetime(2026, 11, 21, 2, 30, tzinfo=SHANGHAI)
    assert business_date(evening, night) == business_date(after_midnight, night) == evening.date()
    assert business_date(after_midnight, Rules()) == after_midnight.date()
    # a UTC instant late on the 20th is already the 21st in Beijing
    assert business_date(datetime(2026, 11, 20, 17, 0, tzinfo=UTC), Rules()).day == 21
    start, end = day_window(evening.date(), night)
    assert start <= evening < after_midnight < end


def north(metres: float) -> tuple[float, float]:
    c = GEOFENCE["center"]
    return c["lat"] + metres / 111_195.0, c["lng"]


@pytest.mark.parametrize(("metres", "accuracy", "reject", "flags"), [
    (0, 10, None, []),
    (310, 30, None, []),  # 10 m past the edge, ±30 m: inside within the accuracy
    (400, 10, "OUTSIDE_GEOFENCE", []),
    (400, 300, None, ["LOW_ACCURACY"]),  # a cell fix that cannot tell: flagged
    (2000, 300, "OUTSIDE_GEOFENCE", []),  # even the poor fix is clearly outside
    (100, 300, None, ["LOW_ACCURACY"]),
])
def test_fence_with_accuracy(metres, accuracy, reject, flags) -> None:
    verdict = geofence.evaluate(GEOFENCE, *north(metres), accuracy)
    assert (verdict.reject_reason, verdict.flags) == (reject, flags)


def test_zero_coordinates_and_polygon_distance() -> None:
    assert geofence.evaluate(GEOFENCE, 0.0, 0.0, 10).reject_reason == "LOCATION_INVALID"
    square = {"type": "polygon", "points": [{"lat": 22.54, "lng": 114.05}, {"lat": 22.54, "lng": 114.06},
                                            {"lat": 22.55, "lng": 114.06}, {"lat": 22.55, "lng": 114.05}]}
    assert geofence.distance_outside(square, 22.545, 114.055) == 0
    assert geofence.distance_outside(square, 22.545, 114.0605) == pytest.approx(51.4, abs=1)
    assert geofence.evaluate(square, 22.545, 114.0601, 20).reject_reason is None
    assert geofence.evaluate(square, 22.545, 114.0605, 20).reject_reason == "OUTSIDE_GEOFENCE"
