"""RQ job functions of the face area: thin, the rules live in services.faces.checks."""

from __future__ import annotations

from services.faces.checks import run_face_check


def face_check_job(check_id: int) -> str:
    """Run one face check (queue ``face``). Safe to run twice: the result is written once."""
    return run_face_check(check_id)
