"""Head pose (yaw, pitch, roll) from dlib's 68 landmarks: the frontal gate and the challenge."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class HeadPose:
    yaw: float  # + when the face turns towards the image's right side
    pitch: float  # + when the chin rises (face tilts back)
    roll: float


# A generic 3-D face (mm-ish units, x right, y up, z towards the camera) for the six
# landmarks below: nose tip, chin, outer eye corners, mouth corners.
MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),
        (0.0, -330.0, -65.0),
        (-225.0, 170.0, -135.0),
        (225.0, 170.0, -135.0),
        (-150.0, -150.0, -125.0),
        (150.0, -150.0, -125.0),
    ],
    dtype=np.float64,
)
POSE_LANDMARKS = [30, 8, 36, 45, 48, 54]


def estimate_pose(landmarks68: np.ndarray, image_size: tuple[int, int]) -> HeadPose:
    """Yaw / pitch / roll in degrees from 68 dlib landmarks (solvePnP, pinhole camera guess)."""
    import cv2

    width, height = image_size
    focal = float(max(width, height))
    camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]], dtype=np.float64)
    image_points = landmarks68[POSE_LANDMARKS].astype(np.float64)
    # image y grows downwards, the model's y grows upwards: flip the model into camera axes
    model = MODEL_POINTS * np.array([1.0, -1.0, -1.0])
    ok, rvec, _ = cv2.solvePnP(model, image_points, camera, None, flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return HeadPose(yaw=90.0, pitch=90.0, roll=0.0)
    rot, _ = cv2.Rodrigues(rvec)
    # rot maps model axes to camera axes (x right, y down, z away). Decompose as
    # R = Rz(roll) @ Ry(yaw) @ Rx(pitch).
    yaw = np.degrees(np.arcsin(-np.clip(rot[2, 0], -1.0, 1.0)))
    pitch = np.degrees(np.arctan2(rot[2, 1], rot[2, 2]))
    roll = np.degrees(np.arctan2(rot[1, 0], rot[0, 0]))
    # camera looks along +z, the model face looks along -z after the flip: yaw sign so that
    # + means the nose moved to the image's right; pitch so that + means chin up
    return HeadPose(yaw=float(-yaw), pitch=float(-pitch), roll=float(roll))
