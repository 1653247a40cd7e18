"""The one place attendance asks the enrollment area's entry gate (services/enrollment/gate.py).

A refusal is an immediate 403 ``ENTRY_REFUSED`` with the gate's reasons. A signed contract whose
term has ended does not refuse: the clock is kept and flagged ``AFTER_CONTRACT_END`` (issue 17,
item 6), so the labour manager sees it instead of the worker silently losing the day.

A worker without biometric consent keeps the gate's CONSENT_BIOMETRIC_MISSING on their own screen
(its message sends them to the project office): the non-face alternative is the leader's
witnessed clock, which asks the gate with that reason and the location consent set aside
(``witnessed=True``): the position is the leader's phone's, and a worker on the non-face path
(services/identity/paths.py) gave neither consent.
"""

from __future__ import annotations

from datetime import date

from services.enrollment.gate import Facts, decide_gate
from services.errors import Forbidden

BIOMETRIC_REASON = "CONSENT_BIOMETRIC_MISSING"
# the leader's phone records the position of a witnessed clock: the worker's location consent is not needed
WITNESS_SETS_ASIDE = (BIOMETRIC_REASON, "CONSENT_LOCATION_MISSING")


def check_entry(facts: Facts, user_id: int, project_id: int, on_day: date, *, witnessed: bool = False) -> list[str]:
    """Raise the gate's refusal, or return the flags the clock carries (``facts``: gate.facts_query's row)."""
    reasons = [r for r in decide_gate(facts, user_id, project_id, on_day).reasons
               if not (witnessed and r.code in WITNESS_SETS_ASIDE)]
    flags = []
    ended = facts.contract_term_ended_on
    if any(r.code == "CONTRACT_NOT_ACTIVE" for r in reasons) and ended is not None and on_day > ended:
        reasons = [r for r in reasons if r.code != "CONTRACT_NOT_ACTIVE"]
        flags.append("AFTER_CONTRACT_END")
    if reasons:
        raise Forbidden("ENTRY_REFUSED", reasons[0].message,
                        {"reasons": [{"code": r.code, "message": r.message} for r in reasons]})
    return flags
