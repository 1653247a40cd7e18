"""The entry gate: may this worker clock in on this project on this day, and if not, why.

One answer for attendance and for the worker's own screen. Other areas add checks through
the two hooks below (the oversight area's blacklist, attendance's non-face alternative) so
this module never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from models import Contract, ContractStatus, Membership, MembershipStatus, Role, db
from services.consents import has_current_consent
from services.enrollment.training import training_shortfall


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Gate:
    may_clock_in: bool
    reasons: list[Reason] = field(default_factory=list)


# fn(user_id, project_id, on_day) -> reasons to refuse (e.g. BLACKLISTED); filled by the oversight area
EXTRA_CHECKS: list[Callable[[int, int, date], list[Reason]]] = []
# fn(user_id, project_id, on_day) -> True when the worker may clock in without face processing
NON_FACE_ALTERNATIVES: list[Callable[[int, int, date], bool]] = []

MESSAGES = {
    "NOT_IN_PROJECT": "您尚未加入该项目，请扫描项目码报名",
    "ENROLLMENT_PENDING": "实名报名待劳资专管员审核",
    "ENROLLMENT_REJECTED": "实名报名未通过审核，请联系劳资专管员",
    "LEFT_PROJECT": "您已从该项目退场",
    "CONTRACT_NOT_SIGNED": "请先签订劳动合同",
    "CONTRACT_NOT_ACTIVE": "劳动合同不在有效期内",
    "CONSENT_BIOMETRIC_MISSING": "请同意人脸识别授权，或联系项目部使用其他考勤方式",
    "CONSENT_LOCATION_MISSING": "请同意位置信息授权后再打卡",
}


def _reason(code: str, message: str | None = None) -> Reason:
    return Reason(code, message or MESSAGES[code])


def _worker_membership(user_id: int, project_id: int) -> Membership | None:
    return db.session.execute(select(Membership).where(
        Membership.user_id == user_id, Membership.project_id == project_id,
        Membership.role == Role.WORKER.value)).scalar_one_or_none()


def _contract_reasons(membership: Membership, on_day: date) -> list[Reason]:
    contract = db.session.execute(select(Contract).where(
        Contract.membership_id == membership.id).order_by(Contract.id.desc()).limit(1)).scalar_one_or_none()
    if contract is None or contract.status in (ContractStatus.UNSIGNED.value, ContractStatus.SIGNING.value):
        return [_reason("CONTRACT_NOT_SIGNED")]
    if contract.status == ContractStatus.TERMINATED.value and (
            contract.termination_date is None or contract.termination_date <= on_day):
        return [_reason("CONTRACT_NOT_ACTIVE", "劳动合同已解除")]
    if on_day < contract.term_start or (contract.term_end is not None and on_day > contract.term_end):
        return [_reason("CONTRACT_NOT_ACTIVE")]
    return []


def entry_gate(user_id: int, project_id: int, on_day: date) -> Gate:
    """Every reason that applies, in the order the worker can fix them."""
    membership = _worker_membership(user_id, project_id)
    if membership is None:
        return Gate(False, [_reason("NOT_IN_PROJECT")])
    by_status = {MembershipStatus.PENDING.value: "ENROLLMENT_PENDING",
                 MembershipStatus.REJECTED.value: "ENROLLMENT_REJECTED",
                 MembershipStatus.LEFT.value: "LEFT_PROJECT"}
    if membership.status in by_status:
        return Gate(False, [_reason(by_status[membership.status])])
    reasons = _contract_reasons(membership, on_day)
    if (shortfall := training_shortfall(project_id, user_id)) is not None:
        reasons.append(_reason("TRAINING_INCOMPLETE", shortfall))
    if not has_current_consent(user_id, "biometric") and not any(
            alt(user_id, project_id, on_day) for alt in NON_FACE_ALTERNATIVES):
        reasons.append(_reason("CONSENT_BIOMETRIC_MISSING"))
    if not has_current_consent(user_id, "location"):
        reasons.append(_reason("CONSENT_LOCATION_MISSING"))
    for check in EXTRA_CHECKS:
        reasons.extend(check(user_id, project_id, on_day))
    return Gate(not reasons, reasons)
