"""The entry gate: may this worker clock in on this project on this day, and if not, why.

One answer for attendance and for the worker's own screen. Other areas add checks through
the two hooks below (the oversight area's blacklist, attendance's non-face alternative) so
this module never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Join, bindparam, case, exists, func, outerjoin, select
from sqlalchemy.orm import aliased

from models import (
    Contract,
    ContractAmendment,
    ContractStatus,
    EnrollmentRules,
    Membership,
    MembershipStatus,
    Project,
    Role,
    Training,
    db,
)
from services.consents import current_consent_sql
from services.enrollment.rules import DEFAULTS, TRAINING_LEVELS
from services.enrollment.training import LevelHours, shortfall_message


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Gate:
    may_clock_in: bool
    reasons: list[Reason] = field(default_factory=list)
    path: str = "face"  # face | non_face (services/identity/paths.py)

    @property
    def path_hint(self) -> str:
        return PATH_HINTS[self.path]


# fn(user_id, project_id, on_day) -> reasons to refuse (e.g. BLACKLISTED); registered explicitly by
# services.register_handlers (create_app), never by an import side effect
EXTRA_CHECKS: list[Callable[[int, int, date], list[Reason]]] = []


def register_gate_check(check: Callable[[int, int, date], list[Reason]]) -> None:
    if check not in EXTRA_CHECKS:
        EXTRA_CHECKS.append(check)
# fn(user_id, project_id, on_day) -> True when the worker may clock in without face processing
# (services/identity/paths.py: an identity verified in person); the clock is then the witnessed one
NON_FACE_ALTERNATIVES: list[Callable[[int, int, date], bool]] = []

# what the worker's app says of each path and how to switch (services/identity/paths.py)
PATH_HINTS = {
    "face": "您使用人脸识别方式：手机自拍打卡、自拍签约。如不愿使用人脸识别，可撤回人脸识别授权，"
            "改为劳资专管员现场核验身份、见证签约，班组长见证考勤。",
    "non_face": "您使用非人脸方式：身份由劳资专管员现场核验，合同手写签名并由劳资专管员见证，考勤由班组长现场见证。"
                "如需改用手机自拍打卡，请同意人脸识别授权和位置信息授权并录入人脸。",
}

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


@dataclass(frozen=True)
class Facts:
    """What the gate decides on, read in one query (``FACTS_QUERY``)."""

    membership_id: int | None
    membership_status: str | None
    contract_status: str | None  # the membership's newest contract
    term_start: date | None
    term_end: date | None
    termination_date: date | None
    training: list[LevelHours]
    consents: dict[str, bool]  # kind -> a current consent stands (services.consents.current_consent_sql)

    @property
    def contract_term_ended_on(self) -> date | None:
        """The end of a signed contract's term (attendance keeps clocks after it, flagged)."""
        return self.term_end if self.contract_status == ContractStatus.SIGNED.value else None


CONSENT_KINDS = ("biometric", "location")


# built once: the statement is the same for every worker and project, only the parameters change
USER = bindparam("gate_user_id")
PROJECT = bindparam("gate_project_id")


def _standing_consent(kind: str) -> Any:
    # the one consent rule (services.consents.current_consent_sql): current text, not withdrawn
    return current_consent_sql(USER, kind).label(f"gate_consent_{kind}")


def _trained_minutes(level: str) -> Any:
    return (select(func.coalesce(func.sum(Training.minutes), 0)).where(
        Training.project_id == PROJECT, Training.user_id == USER, Training.level == level)
        .scalar_subquery().label(f"gate_trained_{level}"))


def _effective_term_end() -> Any:
    """The newest signed 变更协议's end date (a renewal) where there is one, else the contract's own."""
    signed = (ContractAmendment.contract_id == Contract.id) & (ContractAmendment.status == ContractStatus.SIGNED.value)
    amended = (select(ContractAmendment.term_end).where(signed).order_by(ContractAmendment.id.desc()).limit(1)
               .correlate(Contract).scalar_subquery())
    return case((exists().where(signed).correlate(Contract), amended), else_=Contract.term_end).label("term_end")


def _from_clause() -> Join:
    other = aliased(Contract)
    newest = (select(func.max(other.id)).where(other.membership_id == Membership.id)
              .correlate(Membership).scalar_subquery())
    return (outerjoin(Project, Membership, (Membership.project_id == Project.id) & (Membership.user_id == USER)
                      & (Membership.role == Role.WORKER.value))
            .outerjoin(Contract, (Contract.membership_id == Membership.id) & (Contract.id == newest))
            .outerjoin(EnrollmentRules, EnrollmentRules.project_id == Project.id))


FACTS_COLUMNS = (Membership.id.label("gate_membership_id"), Membership.status.label("gate_membership_status"),
                 Contract.status.label("gate_contract_status"), Contract.term_start, _effective_term_end(),
                 Contract.termination_date, EnrollmentRules.company_training_hours,
                 EnrollmentRules.project_training_hours, EnrollmentRules.team_training_hours,
                 *(_trained_minutes(level) for level in TRAINING_LEVELS),
                 *(_standing_consent(kind) for kind in CONSENT_KINDS))
# the project (filtered by PROJECT) and the worker's membership, newest contract and enrollment rules
FACTS_FROM = _from_clause()
# one row per existing project; attendance selects FACTS_COLUMNS with its own (one query for a clock)
FACTS_QUERY = select(*FACTS_COLUMNS).select_from(FACTS_FROM).where(Project.id == PROJECT)


def facts_params(user_id: int, project_id: int) -> dict[str, int]:
    return {"gate_user_id": user_id, "gate_project_id": project_id}


def facts_from(row: Any | None) -> Facts:
    if row is None or row.gate_membership_id is None:
        return Facts(None, None, None, None, None, None, [], {})
    required = DEFAULTS.training_hours if row.company_training_hours is None else {
        "company": row.company_training_hours, "project": row.project_training_hours,
        "team": row.team_training_hours}
    training = [LevelHours(level, required[level], int(getattr(row, f"gate_trained_{level}") or 0))
                for level in TRAINING_LEVELS]
    return Facts(row.gate_membership_id, row.gate_membership_status, row.gate_contract_status, row.term_start,
                 row.term_end, row.termination_date, training,
                 {kind: bool(getattr(row, f"gate_consent_{kind}")) for kind in CONSENT_KINDS})


def _contract_reasons(facts: Facts, on_day: date) -> list[Reason]:
    if facts.contract_status == ContractStatus.WORKER_SIGNED.value:  # in force only once both signed (§16)
        return [_reason("CONTRACT_NOT_SIGNED", "您已签署，合同待用人单位签署后生效")]
    if facts.contract_status not in (ContractStatus.SIGNED.value, ContractStatus.TERMINATED.value):
        return [_reason("CONTRACT_NOT_SIGNED")]
    if facts.contract_status == ContractStatus.TERMINATED.value and (
            facts.termination_date is None or facts.termination_date <= on_day):
        return [_reason("CONTRACT_NOT_ACTIVE", "劳动合同已解除")]
    if on_day < facts.term_start or (facts.term_end is not None and on_day > facts.term_end):
        return [_reason("CONTRACT_NOT_ACTIVE")]
    return []


def _consented(facts: Facts, kind: str) -> bool:
    return facts.consents.get(kind, False)


def decide_gate(facts: Facts, user_id: int, project_id: int, on_day: date) -> Gate:
    """Every reason that applies, in the order the worker can fix them."""
    if facts.membership_id is None:
        return Gate(False, [_reason("NOT_IN_PROJECT")])
    by_status = {MembershipStatus.PENDING.value: "ENROLLMENT_PENDING",
                 MembershipStatus.REJECTED.value: "ENROLLMENT_REJECTED",
                 MembershipStatus.LEFT.value: "LEFT_PROJECT"}
    if facts.membership_status in by_status:
        return Gate(False, [_reason(by_status[facts.membership_status])])
    reasons = _contract_reasons(facts, on_day)
    if (shortfall := shortfall_message(facts.training)) is not None:
        reasons.append(_reason("TRAINING_INCOMPLETE", shortfall))
    # the non-face path: the witnessed clock, which needs neither face nor the worker's location
    non_face = not _consented(facts, "biometric") and any(
        alt(user_id, project_id, on_day) for alt in NON_FACE_ALTERNATIVES)
    if not _consented(facts, "biometric") and not non_face:
        reasons.append(_reason("CONSENT_BIOMETRIC_MISSING"))
    if not _consented(facts, "location") and not non_face:
        reasons.append(_reason("CONSENT_LOCATION_MISSING"))
    for check in EXTRA_CHECKS:
        reasons.extend(check(user_id, project_id, on_day))
    return Gate(not reasons, reasons, "non_face" if non_face else "face")


def entry_gate(user_id: int, project_id: int, on_day: date) -> Gate:
    row = db.session.connection().execute(FACTS_QUERY, facts_params(user_id, project_id)).one_or_none()
    return decide_gate(facts_from(row), user_id, project_id, on_day)
