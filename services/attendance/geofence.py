"""Where a clock was taken, judged against the project's fence with the phone's accuracy.

Clear inside (allowing up to 50 m of the reported accuracy, as services.geo does): accepted.
Clear outside: rejected. Poor accuracy that leaves it open: flagged ``LOW_ACCURACY``, for
the leader to decide; never silently accepted or refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from services.geo import distance_m, within_geofence

POOR_ACCURACY_M = 100  # wx.getLocation reports ~5–65 m outdoors with GPS; beyond this, a cell fix


@dataclass
class GeoVerdict:
    distance_m: float  # from the fence (0 inside)
    reject_reason: str | None = None
    flags: list[str] = field(default_factory=list)


def _to_metres(lat0: float, lat: float, lng: float) -> tuple[float, float]:
    # equirectangular around the fence: at site scale the error is centimetres
    return (math.radians(lng) * math.cos(math.radians(lat0)) * 6_371_008.8, math.radians(lat) * 6_371_008.8)


def _segment_distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def distance_outside(fence: dict[str, Any], lat: float, lng: float) -> float:
    """Metres from the fence's edge to the point; 0 when inside."""
    if within_geofence(fence, lat, lng, 0):
        return 0.0
    if fence["type"] == "circle":
        c = fence["center"]
        return max(0.0, distance_m(c["lat"], c["lng"], lat, lng) - fence["radius_m"])
    pts = fence["points"]
    lat0 = pts[0]["lat"]
    p = _to_metres(lat0, lat, lng)
    poly = [_to_metres(lat0, q["lat"], q["lng"]) for q in pts]
    return min(_segment_distance(p, poly[i - 1], poly[i]) for i in range(len(poly)))


def evaluate(fence: dict[str, Any], lat: float, lng: float, accuracy_m: float) -> GeoVerdict:
    if lat == 0 and lng == 0:
        return GeoVerdict(float("inf"), "LOCATION_INVALID", ["ZERO_COORDINATES"])
    outside = distance_outside(fence, lat, lng)
    verdict = GeoVerdict(round(min(outside, 1e9), 1))
    slack = min(max(accuracy_m, 0), 50)
    if outside <= slack:
        if accuracy_m > POOR_ACCURACY_M:
            verdict.flags.append("LOW_ACCURACY")
        return verdict
    if accuracy_m > POOR_ACCURACY_M and outside <= accuracy_m:
        verdict.flags.append("LOW_ACCURACY")  # could be inside: the leader decides
        return verdict
    verdict.reject_reason = "OUTSIDE_GEOFENCE"
    return verdict
