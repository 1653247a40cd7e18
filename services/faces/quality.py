"""Quality gates: whose selfie is it, and is it good enough to recognise them? (no models)

Each gate refuses only what a worker would accept as a reason to retake ("two people in the
photo", "too far from the camera", "blurred", "turn towards the camera"). The limits were
measured on the shared photos (web portraits + LFW, clean and degraded); bench/README.md
has the figures and ``bench/face_calibrate.py`` prints them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from services.faces.pose import HeadPose
from services.faces.reasons import FaceRejected

Box = tuple[int, int, int, int]  # x, y, w, h


class Limits(Protocol):
    """The gate limits (``engine.EngineSettings`` has them all)."""

    min_face_px: int
    other_face_ratio_max: float
    other_face_ratio_central: float
    subject_centre_max: float
    min_brightness: float
    min_sharpness: float
    max_yaw_deg: float
    max_pitch_deg: float


class Measured(Protocol):
    """What the engine measured on the chosen face (``engine.FaceFound``)."""

    brightness: float
    sharpness: float
    pose: HeadPose


@dataclass(frozen=True)
class Subject:
    box: Box
    others: list[Box]  # other faces the detector saw (background), largest first


def _centre_offset(box: Box, width: int, height: int) -> float:
    """Distance of the box centre from the image centre, as a fraction of the half-diagonal."""
    x, y, w, h = box
    dx = (x + w / 2 - width / 2) / (width / 2)
    dy = (y + h / 2 - height / 2) / (height / 2)
    return float((dx * dx + dy * dy) ** 0.5 / 2**0.5)


def pick_subject(boxes: list[Box], image_size: tuple[int, int], settings: Limits) -> Subject:
    """The face whose selfie this is: the largest, when it clearly dominates the others.

    A colleague behind the worker is farther from the camera, so smaller; two faces of about
    the same size (two people side by side) leave it ambiguous, and that is refused.
    """
    if not boxes:
        raise FaceRejected("FACE_NOT_FOUND")
    ordered = sorted(boxes, key=lambda b: b[2] * b[3], reverse=True)
    subject, others = ordered[0], ordered[1:]
    if others:
        ratio = (others[0][2] * others[0][3] / (subject[2] * subject[3])) ** 0.5
        width, height = image_size
        # a near tie is still this worker's selfie when their face is the central one
        central = _centre_offset(subject, width, height) <= settings.subject_centre_max and all(
            _centre_offset(subject, width, height) < _centre_offset(o, width, height) for o in others
        )
        limit = settings.other_face_ratio_central if central else settings.other_face_ratio_max
        if ratio > limit:
            raise FaceRejected(
                "FACE_MULTIPLE",
                {"faces": len(boxes), "size_ratio": round(ratio, 2), "max_ratio": limit},
            )
    return Subject(box=subject, others=others)


def check_size(face_px: int, settings: Limits) -> None:
    if face_px < settings.min_face_px:
        raise FaceRejected("FACE_TOO_SMALL", {"face_px": face_px, "min_face_px": settings.min_face_px})


def check_quality(face: Measured, settings: Limits, *, require_frontal: bool) -> None:
    """Light, focus and pose of the chosen face, in the order a worker can fix them."""
    if face.brightness < settings.min_brightness:
        raise FaceRejected(
            "IMAGE_TOO_DARK", {"brightness": round(face.brightness, 1), "min": settings.min_brightness}
        )
    if face.sharpness < settings.min_sharpness:
        raise FaceRejected(
            "IMAGE_TOO_BLURRY", {"sharpness": round(face.sharpness, 1), "min": settings.min_sharpness}
        )
    if require_frontal and (
        abs(face.pose.yaw) > settings.max_yaw_deg or abs(face.pose.pitch) > settings.max_pitch_deg
    ):
        raise FaceRejected(
            "FACE_NOT_FRONTAL",
            {
                "yaw": round(face.pose.yaw, 1),
                "pitch": round(face.pose.pitch, 1),
                "max_yaw": settings.max_yaw_deg,
                "max_pitch": settings.max_pitch_deg,
            },
        )
