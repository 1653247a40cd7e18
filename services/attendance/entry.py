"""The one place attendance asks the enrollment area's entry gate (issue 16).

A refusal is an immediate 403 ``ENTRY_REFUSED`` with the gate's reasons. A contract whose term
ended does not refuse: the clock is kept and flagged ``AFTER_CONTRACT_END`` (issue 17, item 6).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Membership, MembershipStatus, Role, db
from services.consents import active_consent
from services.errors import Forbidden

# gate codes that become a flag on the clock instead of a refusal
FLAGGED_NOT_REFUSED = {"CONTRACT_NOT_ACTIVE": "AFTER_CONTRACT_END"}
BIOMETRIC_REASON = "CONSENT_BIOMETRIC_MISSING"


def _gate_reasons(user_id: int, project_id: int, on_day: date) -> list[tuple[str, str]]:
    # until services.enrollment.gate lands: an active worker membership and the location consent
    membership = db.session.execute(select(Membership).where(
        Membership.user_id == user_id, Membership.project_id == project_id,
        Membership.role == Role.WORKER.value)).scalar_one_or_none()
    if membership is None:
        return [("NOT_ENROLLED", "您尚未加入该项目，请扫描项目码报名")]
    if membership.status != MembershipStatus.ACTIVE.value:
        return [("ENROLLMENT_PENDING", "实名报名待劳资专管员审核")]
    if active_consent(user_id, "location") is None:
        return [("CONSENT_LOCATION_MISSING", "请同意位置信息授权后再打卡")]
    return []


def check_entry(user_id: int, project_id: int, on_day: date, *, witnessed: bool = False) -> list[str]:
    """Raise the gate's refusal, or return the flags the clock carries."""
    reasons = _gate_reasons(user_id, project_id, on_day)
    if witnessed:  # the non-face alternative exists for exactly this worker
        reasons = [r for r in reasons if r[0] != BIOMETRIC_REASON]
    flags = [FLAGGED_NOT_REFUSED[code] for code, _ in reasons if code in FLAGGED_NOT_REFUSED]
    refusals = [(code, message) for code, message in reasons if code not in FLAGGED_NOT_REFUSED]
    if refusals:
        raise Forbidden("ENTRY_REFUSED", refusals[0][1],
                        {"reasons": [{"code": code, "message": message} for code, message in refusals]})
    return flags
