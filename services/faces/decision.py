"""The decision on one face check, from the engine's analysis: no database, no settings lookup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.faces import FaceCheckKind, FaceCheckStatus
from services.faces import challenge as challenges
from services.faces.engine import FaceEngine, match_templates
from services.faces.reasons import FaceRejected


@dataclass
class Outcome:
    status: str
    reason_code: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    distance: float | None = None
    threshold: float | None = None
    anti_spoof_score: float | None = None
    anti_spoof_real: bool | None = None
    embedding: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == FaceCheckStatus.PASSED.value


def decide_check(
    engine: FaceEngine,
    kind: str,
    frames: list[bytes],
    templates: list[np.ndarray],
    movement: str | None = None,
    challenge_config: challenges.ChallengeSettings | None = None,
) -> Outcome:
    """Run the engine on the frames and decide. FaceRejected becomes a failed outcome."""
    threshold = engine.settings.threshold
    try:
        if movement is not None:
            result = challenges.check_frames(
                engine, frames, movement, challenge_config or challenges.ChallengeSettings()
            )
            analysis = result.primary
            details: dict[str, Any] = {
                "moved_deg": result.moved_deg,
                "frame_distances": result.frame_distances,
            }
            timings = {
                f"frame{i}_{k}": v for i, f in enumerate(result.frames) for k, v in f.timings_ms.items()
            }
        else:
            analysis = engine.analyze(frames[0])
            details, timings = {}, dict(analysis.timings_ms)
    except FaceRejected as rejected:
        return Outcome(FaceCheckStatus.FAILED.value, rejected.code, rejected.details, threshold=threshold)

    spoof = analysis.spoof
    # passive mode: FasNet's verdict decides (in challenge mode check_frames already voted)
    spoofed = movement is None and spoof is not None and not spoof.is_real
    outcome = Outcome(
        FaceCheckStatus.FAILED.value if spoofed else FaceCheckStatus.PASSED.value,
        "SPOOF_SUSPECTED" if spoofed else None,
        details=details,
        threshold=threshold,
        anti_spoof_score=spoof.real_score if spoof else None,
        anti_spoof_real=spoof.is_real if spoof else None,
        embedding=analysis.embedding,
        timings=timings,
    )
    if spoofed:
        return outcome
    if kind != FaceCheckKind.ENROLL:
        if not templates:
            outcome.status, outcome.reason_code = FaceCheckStatus.FAILED.value, "NOT_ENROLLED"
            return outcome
        match = match_templates(analysis.embedding, templates, threshold)
        outcome.distance = round(match.distance, 4)
        if not match.matched:
            outcome.status, outcome.reason_code = FaceCheckStatus.FAILED.value, "FACE_MISMATCH"
    return outcome
