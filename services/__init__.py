"""Business rules. No Flask request objects here: functions take ids and plain data,
flush (never commit) and raise DomainError subclasses."""

from __future__ import annotations

import importlib

# Service modules that register face check hand-overs (@on_face_check_finished) at import time,
# e.g. "services.attendance". create_app imports them, so the web process and every worker
# (they build the app too) know every handler before a check finishes.
HANDOVER_MODULES: tuple[str, ...] = ("services.contracts.signing", "services.contracts.amendments",
                                      "services.attendance.clocks",
                                      "services.oversight.blacklist",  # the entry gate's blacklist hook
                                      "services.identity.paths")  # the gate's non-face path


def register_handlers() -> None:
    for name in HANDOVER_MODULES:
        importlib.import_module(name)
