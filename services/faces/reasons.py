"""Stable reason codes of a face check, each with the message shown to the worker."""

from __future__ import annotations

from typing import Any

from services.error_codes import face_reasons, lookup
from services.errors import Unprocessable

# code -> what the worker reads on the phone (the catalogue in services/error_codes.py)
REASONS: dict[str, str] = face_reasons()


class FaceRejected(Unprocessable):
    """A selfie failed a check: an ordinary domain error (422 at a request, a failed check in
    the job). ``code`` is stable (stored, sent to the app); the message is Chinese."""

    def __init__(self, code: str, details: dict[str, Any] | None = None) -> None:
        if lookup(code).area != "faces":
            raise ValueError(f"not a face code of services/error_codes.py: {code!r}")
        super().__init__(code, details=details)
