"""Business rules. No Flask request objects here: functions take ids and plain data,
flush (never commit) and raise DomainError subclasses."""

from __future__ import annotations

import importlib

# Service modules that register face check hand-overs (@on_face_check_finished) at import time,
# e.g. "services.attendance". create_app imports them, so the web process and every worker
# (they build the app too) know every handler before a check finishes.
HANDOVER_MODULES: tuple[str, ...] = ("services.contracts.signing", "services.contracts.amendments",
                                      "services.attendance.clocks")


def register_handlers() -> None:
    for name in HANDOVER_MODULES:
        importlib.import_module(name)
    register_gate_checks()


def register_gate_checks() -> None:
    """The entry gate's checks owned by other areas, registered here by name (not by importing a module
    that happens to append itself): the black list refuses listed teams' and companies' workers; the
    identity area lets a worker without face consent through on an identity verified in person."""
    from services.enrollment.gate import NON_FACE_ALTERNATIVES, register_gate_check
    from services.identity.paths import non_face_alternative
    from services.oversight.blacklist import blacklist_check

    register_gate_check(blacklist_check)
    if non_face_alternative not in NON_FACE_ALTERNATIVES:
        NON_FACE_ALTERNATIVES.append(non_face_alternative)
