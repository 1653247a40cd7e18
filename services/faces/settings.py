"""The face area's settings, read once from the app config (services.settings builds them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config import config_flag
from services.faces.challenge import ChallengeSettings
from services.faces.engine import EngineSettings

FACE_QUEUE = "face"
JOB_RETRIES = 3  # RQ retries after the first attempt; the last failing attempt writes "error"
JOB_TIMEOUT_SECONDS = 60
# frames of a passive enrollment burst; each usable one is kept as a template (issue 15:
# enrolling with 2-3 photos instead of 1 cuts false rejects, bench/README.md)
ENROLL_MAX_FRAMES = 3


@dataclass(frozen=True)
class FaceSettings:
    engine: EngineSettings
    challenge: ChallengeSettings
    retention_days: int


def face_settings_from(cfg: Mapping[str, Any]) -> FaceSettings:
    engine, challenge = EngineSettings(), ChallengeSettings()
    return FaceSettings(
        engine=EngineSettings(
            max_bytes=int(cfg.get("FACE_MAX_BYTES", engine.max_bytes)),
            max_pixels=int(cfg.get("FACE_MAX_PIXELS", engine.max_pixels)),
            threshold=float(cfg.get("FACE_THRESHOLD", engine.threshold)),
            anti_spoof=config_flag(cfg.get("FACE_ANTI_SPOOF", engine.anti_spoof)),
            tf_threads=int(cfg.get("FACE_TF_THREADS", engine.tf_threads)),
        ),
        challenge=ChallengeSettings(
            ttl_seconds=int(cfg.get("FACE_CHALLENGE_TTL_SECONDS", challenge.ttl_seconds)),
            mirrored=config_flag(cfg.get("FACE_CHALLENGE_MIRRORED", challenge.mirrored)),
        ),
        retention_days=int(cfg.get("FACE_EVIDENCE_RETENTION_DAYS", 90)),
    )
