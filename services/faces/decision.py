"""The decision on one face check, from the engine's analysis: no database, no settings lookup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.faces import FaceCheckKind, FaceCheckStatus
from services.faces import challenge as challenges
from services.faces.engine import FaceAnalysis, FaceEngine, face_distance, match_templates
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
    # what an enrollment keeps: the embedding of every usable frame, the primary one first
    template_embeddings: list[np.ndarray] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == FaceCheckStatus.PASSED.value


def analyze_burst(engine: FaceEngine, frames: list[bytes]) -> tuple[list[FaceAnalysis], bool]:
    """Passive frames (one selfie, or an enrollment burst of 2-3): each must pass the gates and
    show the same face as the first. Returns the analyses and whether most frames look fake."""
    analyses = [engine.analyze(f) for f in frames]
    metric = engine.settings.metric
    distances = [face_distance(analyses[0].embedding, a.embedding, metric) for a in analyses[1:]]
    if distances and max(distances) > engine.settings.threshold:
        raise FaceRejected(
            "ENROLL_FACE_CHANGED",
            {"distances": [round(d, 4) for d in distances], "threshold": engine.settings.threshold},
        )
    # as in the challenge: a print is fake in every frame, a real face misjudged once is outvoted
    fake = sum(1 for a in analyses if a.spoof and not a.spoof.is_real)
    return analyses, fake * 2 > len(analyses)


def template_frames(engine: FaceEngine, analyses: list[FaceAnalysis]) -> list[np.ndarray]:
    """Embeddings worth keeping as templates: frames within the frontal limits (a challenge's
    turned frames beyond them match strangers more easily), the primary frame always."""
    s = engine.settings
    kept = [analyses[0].embedding]
    kept += [
        a.embedding
        for a in analyses[1:]
        if abs(a.face.pose.yaw) <= s.max_yaw_deg and abs(a.face.pose.pitch) <= s.max_pitch_deg
    ]
    return kept


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
    spoofed = False
    try:
        if movement is not None:
            result = challenges.check_frames(
                engine, frames, movement, challenge_config or challenges.ChallengeSettings()
            )
            analyses = result.frames  # check_frames already voted on spoofing
            details: dict[str, Any] = {
                "moved_deg": result.moved_deg,
                "frame_distances": result.frame_distances,
            }
        else:
            analyses, spoofed = analyze_burst(engine, frames)
            details = {}
    except FaceRejected as rejected:
        return Outcome(FaceCheckStatus.FAILED.value, rejected.code, rejected.details, threshold=threshold)

    analysis = analyses[0]  # the frame looking at the camera
    timings = (
        dict(analysis.timings_ms)
        if len(analyses) == 1
        else {f"frame{i}_{k}": v for i, a in enumerate(analyses) for k, v in a.timings_ms.items()}
    )
    spoof = analysis.spoof
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
    if kind == FaceCheckKind.ENROLL:
        outcome.template_embeddings = template_frames(engine, analyses)
        return outcome
    if not templates:
        outcome.status, outcome.reason_code = FaceCheckStatus.FAILED.value, "NOT_ENROLLED"
        return outcome
    match = match_templates(analysis.embedding, templates, threshold, engine.settings.metric)
    outcome.distance = round(match.distance, 4)
    if not match.matched:
        outcome.status, outcome.reason_code = FaceCheckStatus.FAILED.value, "FACE_MISMATCH"
    return outcome
