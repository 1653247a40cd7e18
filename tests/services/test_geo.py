"""Geofence geometry the attendance rules will stand on."""

from __future__ import annotations

import pytest

from services import geo
from services.errors import Unprocessable

CENTRE = {"lat": 22.543096, "lng": 114.057865}
CIRCLE = {"type": "circle", "center": CENTRE, "radius_m": 300}
# a square of about 220 m around the centre
SQUARE = {"type": "polygon", "points": [
    {"lat": 22.542096, "lng": 114.056865}, {"lat": 22.544096, "lng": 114.056865},
    {"lat": 22.544096, "lng": 114.058865}, {"lat": 22.542096, "lng": 114.058865}]}


def test_distance_of_one_thousandth_degree_latitude():
    assert geo.distance_m(22.0, 114.0, 22.001, 114.0) == pytest.approx(111.2, abs=0.5)


@pytest.mark.parametrize(("dlat", "accuracy", "inside"), [
    (0.0, 0, True), (0.0026, 0, True), (0.0028, 0, False), (0.0028, 30, True), (0.0033, 500, False)])
def test_circle_with_accuracy_slack_capped_at_50_m(dlat, accuracy, inside):
    # 0.0026° ≈ 289 m, 0.0028° ≈ 311 m, 0.0033° ≈ 367 m; slack never exceeds 50 m however vague the phone is
    assert geo.within_geofence(CIRCLE, CENTRE["lat"] + dlat, CENTRE["lng"], accuracy) is inside


@pytest.mark.parametrize(("lat", "lng", "inside"), [
    (22.543096, 114.057865, True), (22.5445, 114.057865, False), (22.543096, 114.0595, False)])
def test_polygon(lat, lng, inside):
    assert geo.within_geofence(SQUARE, lat, lng) is inside


def test_normalize_rejects_out_of_china_and_degenerate_polygons():
    with pytest.raises(Unprocessable) as exc:
        geo.normalize_geofence({"type": "circle", "center": {"lat": 51.5, "lng": -0.12}, "radius_m": 100})
    assert exc.value.code == "GEOFENCE_OUT_OF_RANGE"
    same = {"lat": 22.5, "lng": 114.0}
    with pytest.raises(Unprocessable) as exc:
        geo.normalize_geofence({"type": "polygon", "points": [same, same, {"lat": 22.6, "lng": 114.0}]})
    assert exc.value.code == "GEOFENCE_DEGENERATE"
