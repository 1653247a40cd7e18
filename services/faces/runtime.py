"""The process's face engine, built once from the app's settings (weights seeded offline)."""

from __future__ import annotations

from services.faces.engine import FaceEngine, get_engine
from services.faces.weights import missing_weights, seed_weights
from services.settings import settings


def face_engine() -> FaceEngine:
    """The process's engine, built on first use with the app's settings (weights folder: create_app)."""
    if missing_weights():
        # offline copy from ../shared and the face-recognition-models wheel, never a download
        seed_weights()
    return get_engine(settings().faces.engine)


def warm_up() -> None:
    """Load every model now: once per face worker process, and on a thread at the demo's start."""
    face_engine()
