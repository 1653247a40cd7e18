"""Active liveness: did the worker make the head movement the server asked for, just now?

The server issues a random movement with a one-time nonce (see ``checks.issue_challenge``);
the mini-program uploads 2-3 frames: the first looking at the camera, the later ones after
the movement. Here, without DB: the frames show one face, that face moved the requested
way (head pose from dlib's 68 landmarks), and a printed photo or a replayed still cannot
pass (identical frames show no movement).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.faces.engine import FaceAnalysis, FaceEngine, HeadPose, face_distance
from services.faces.reasons import FaceRejected

# movement -> the prompt the mini-program shows
MOVEMENTS: dict[str, str] = {
    "turn_left": "请缓慢向左转头",
    "turn_right": "请缓慢向右转头",
    "raise_chin": "请缓慢抬头",
    "lower_chin": "请缓慢低头",
}


@dataclass(frozen=True)
class ChallengeSettings:
    ttl_seconds: int = 90
    min_frames: int = 2
    max_frames: int = 3
    # degrees of head rotation between the first frame and the best later one. The pose
    # estimate wobbles by ~5 deg between two photos of a still face; 15 deg of yaw and 10 of
    # pitch are easy to make on purpose and hard to get by accident.
    min_yaw_change: float = 15.0
    min_pitch_change: float = 10.0
    # True if the mini-program sends mirrored (preview-like) front-camera frames
    mirrored: bool = False


@dataclass(frozen=True)
class IssuedChallenge:
    movement: str
    prompt: str
    nonce: str
    expires_at: datetime


@dataclass
class ChallengeResult:
    movement: str
    moved_deg: float
    frame_distances: list[float]
    spoof_scores: list[float]
    frames: list[FaceAnalysis] = field(repr=False)

    @property
    def primary(self) -> FaceAnalysis:
        """The frame looking at the camera: the one matched against the templates."""
        return self.frames[0]


def issue(now: datetime, settings: ChallengeSettings = ChallengeSettings()) -> IssuedChallenge:
    movement = secrets.choice(sorted(MOVEMENTS))
    return IssuedChallenge(
        movement=movement,
        prompt=MOVEMENTS[movement],
        nonce=secrets.token_urlsafe(24),
        expires_at=now + timedelta(seconds=settings.ttl_seconds),
    )


def is_expired(expires_at: datetime, now: datetime) -> bool:
    return now >= expires_at


def movement_degrees(first: HeadPose, later: HeadPose, movement: str, mirrored: bool = False) -> float:
    """How far the head rotated in the requested direction (negative: the other way).

    HeadPose yaw is + when the nose moves towards the image's right. In an unmirrored
    front-camera photo the worker's own left is the image's right, so "turn left" raises yaw.
    """
    if movement not in MOVEMENTS:
        raise ValueError(f"unknown movement {movement!r}")
    if movement in ("turn_left", "turn_right"):
        change = later.yaw - first.yaw
        if mirrored:
            change = -change
        return change if movement == "turn_left" else -change
    change = later.pitch - first.pitch
    return change if movement == "raise_chin" else -change


def required_degrees(movement: str, settings: ChallengeSettings) -> float:
    return settings.min_yaw_change if movement.startswith("turn") else settings.min_pitch_change


def check_frames(
    engine: FaceEngine, frames: list[bytes], movement: str, settings: ChallengeSettings = ChallengeSettings()
) -> ChallengeResult:
    """Raise FaceRejected unless the frames show one live face making ``movement``."""
    if not settings.min_frames <= len(frames) <= settings.max_frames:
        raise FaceRejected("CHALLENGE_FRAMES_INVALID", {"frames": len(frames)})
    digests = {hashlib.sha256(f).digest() for f in frames}
    if len(digests) < len(frames):
        # the same file sent twice: a still photo replayed, whatever its pose
        raise FaceRejected("CHALLENGE_NOT_PERFORMED", {"why": "identical frames"})

    # first frame: the normal selfie gates (frontal); later frames are turned on purpose
    analyses = [engine.analyze(frames[0], anti_spoof=True)]
    analyses += [engine.analyze(f, anti_spoof=True, require_frontal=False) for f in frames[1:]]

    distances = [face_distance(analyses[0].embedding, a.embedding) for a in analyses[1:]]
    if max(distances) > engine.settings.threshold:
        raise FaceRejected(
            "CHALLENGE_FACE_CHANGED",
            {"distances": [round(d, 4) for d in distances], "threshold": engine.settings.threshold},
        )

    # a print or a screen is judged fake in every frame; one real face misjudged in one
    # frame is outvoted by the others (passive false rejects are 6-9% per photo)
    spoof_scores = [a.spoof.real_score for a in analyses if a.spoof]
    fake = sum(1 for a in analyses if a.spoof and not a.spoof.is_real)
    if fake * 2 > len(analyses):
        raise FaceRejected("SPOOF_SUSPECTED", {"fake_frames": fake, "frames": len(analyses)})

    moved = max(
        movement_degrees(analyses[0].face.pose, a.face.pose, movement, settings.mirrored)
        for a in analyses[1:]
    )
    needed = required_degrees(movement, settings)
    if moved < needed:
        raise FaceRejected(
            "CHALLENGE_NOT_PERFORMED",
            {"movement": movement, "moved_deg": round(moved, 1), "required_deg": needed},
        )
    return ChallengeResult(
        movement=movement,
        moved_deg=round(moved, 1),
        frame_distances=[round(d, 4) for d in distances],
        spoof_scores=[round(s, 4) for s in spoof_scores],
        frames=analyses,
    )
