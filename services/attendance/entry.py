"""The one place attendance asks the enrollment area's entry gate (services/enrollment/gate.py).

A refusal is an immediate 403 ``ENTRY_REFUSED`` with the gate's reasons. A signed contract whose
term has ended does not refuse: the clock is kept and flagged ``AFTER_CONTRACT_END`` (issue 17,
item 6), so the labour manager sees it instead of the worker silently losing the day.

A worker without biometric consent keeps the gate's CONSENT_BIOMETRIC_MISSING on their own screen
(its message sends them to the project office): the non-face alternative is the leader's
witnessed clock, which asks the gate with that one reason set aside (``witnessed=True``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Contract, ContractStatus, db
from services.enrollment.gate import entry_gate
from services.errors import Forbidden

BIOMETRIC_REASON = "CONSENT_BIOMETRIC_MISSING"


def _term_ended(user_id: int, project_id: int, on_day: date) -> bool:
    contract = db.session.execute(select(Contract).where(
        Contract.user_id == user_id, Contract.project_id == project_id).order_by(Contract.id.desc()).limit(1)
    ).scalar_one_or_none()
    return (contract is not None and contract.status == ContractStatus.SIGNED.value
            and contract.term_end is not None and on_day > contract.term_end)


def check_entry(user_id: int, project_id: int, on_day: date, *, witnessed: bool = False) -> list[str]:
    """Raise the gate's refusal, or return the flags the clock carries."""
    reasons = [r for r in entry_gate(user_id, project_id, on_day).reasons
               if not (witnessed and r.code == BIOMETRIC_REASON)]
    flags = []
    if any(r.code == "CONTRACT_NOT_ACTIVE" for r in reasons) and _term_ended(user_id, project_id, on_day):
        reasons = [r for r in reasons if r.code != "CONTRACT_NOT_ACTIVE"]
        flags.append("AFTER_CONTRACT_END")
    if reasons:
        raise Forbidden("ENTRY_REFUSED", reasons[0].message,
                        {"reasons": [{"code": r.code, "message": r.message} for r in reasons]})
    return flags
