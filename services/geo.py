"""Geofences in GCJ-02 (the coordinates wx.getLocation({type: 'gcj02'}) gives).

Distances use the haversine formula; at site scale (≤ a few km) GCJ-02's offset is the
same for the centre and the worker, so it cancels out.
"""

from __future__ import annotations

import math
from typing import Any

from services.errors import Unprocessable

EARTH_RADIUS_M = 6_371_008.8
MIN_RADIUS_M, MAX_RADIUS_M = 30, 5000
MAX_POLYGON_POINTS = 100


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _in_china(lat: float, lng: float) -> bool:
    return 3.0 <= lat <= 54.0 and 73.0 <= lng <= 136.0


def normalize_geofence(fence: dict[str, Any]) -> dict[str, Any]:
    """Check a geofence the schema already shaped; keep only what we store."""
    points = [fence["center"]] if fence["type"] == "circle" else fence["points"]
    for p in points:
        if not _in_china(p["lat"], p["lng"]):
            raise Unprocessable("GEOFENCE_OUT_OF_RANGE", details={"lat": p["lat"], "lng": p["lng"]})
    if fence["type"] == "circle":
        return {"type": "circle", "center": {"lat": fence["center"]["lat"], "lng": fence["center"]["lng"]},
                "radius_m": int(fence["radius_m"])}
    if len({(p["lat"], p["lng"]) for p in points}) < 3:
        raise Unprocessable("GEOFENCE_DEGENERATE")
    return {"type": "polygon", "points": [{"lat": p["lat"], "lng": p["lng"]} for p in points]}


def _point_in_polygon(lat: float, lng: float, points: list[dict[str, float]]) -> bool:
    inside = False
    j = len(points) - 1
    for i, pi in enumerate(points):
        pj = points[j]
        if (pi["lat"] > lat) != (pj["lat"] > lat):
            cross = (pj["lng"] - pi["lng"]) * (lat - pi["lat"]) / (pj["lat"] - pi["lat"]) + pi["lng"]
            if lng < cross:
                inside = not inside
        j = i
    return inside


def within_geofence(fence: dict[str, Any], lat: float, lng: float, accuracy_m: float = 0) -> bool:
    """Inside, allowing the phone's reported accuracy up to 50 m of slack."""
    slack = min(max(accuracy_m, 0), 50)
    if fence["type"] == "circle":
        c = fence["center"]
        return distance_m(c["lat"], c["lng"], lat, lng) <= fence["radius_m"] + slack
    return _point_in_polygon(lat, lng, fence["points"])
