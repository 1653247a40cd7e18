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

from sqlalchemy import Join, bindparam, func, outerjoin, select
from sqlalchemy.orm import aliased

from models import Contract, Membership, MembershipStatus, Project, Role, db
from services.consents import current_consent_sql
from services.contracts.in_force import effective_term_end_sql, standing_term_end, why_not_in_force
from services.enrollment.rules import TRAINING_LEVELS
from services.enrollment.training import (
    LevelHours,
    level_hours,
    required_hours_sql,
    shortfall_message,
    trained_minutes_sql,
)


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
        return standing_term_end(self.contract_status, self.term_end)


CONSENT_KINDS = ("biometric", "location")


# built once: the statement is the same for every worker and project, only the parameters change
USER = bindparam("gate_user_id")
PROJECT = bindparam("gate_project_id")


def _standing_consent(kind: str) -> Any:
    # the one consent rule (services.consents.current_consent_sql): current text, not withdrawn
    return current_consent_sql(USER, kind).label(f"gate_consent_{kind}")


# training (services/enrollment/training.py, the one "training complete") and the contract's effective
# term end (services/contracts/in_force.py, the one "contract in force") as their owners write them
def _trained_minutes(level: str) -> Any:
    # every record: none is dated after today (record_training refuses it), so this is "up to today"
    return trained_minutes_sql(level, PROJECT, USER).label(f"gate_trained_{level}")


def _required_hours(level: str) -> Any:
    return required_hours_sql(level, PROJECT).label(f"gate_required_{level}")


def _from_clause() -> Join:
    other = aliased(Contract)
    newest = (select(func.max(other.id)).where(other.membership_id == Membership.id)
              .correlate(Membership).scalar_subquery())
    return (outerjoin(Project, Membership, (Membership.project_id == Project.id) & (Membership.user_id == USER)
                      & (Membership.role == Role.WORKER.value))
            .outerjoin(Contract, (Contract.membership_id == Membership.id) & (Contract.id == newest)))


FACTS_COLUMNS = (Membership.id.label("gate_membership_id"), Membership.status.label("gate_membership_status"),
                 Contract.status.label("gate_contract_status"), Contract.term_start,
                 effective_term_end_sql(Contract).label("term_end"), Contract.termination_date,
                 *(_required_hours(level) for level in TRAINING_LEVELS),
                 *(_trained_minutes(level) for level in TRAINING_LEVELS),
                 *(_standing_consent(kind) for kind in CONSENT_KINDS))
# the project (filtered by PROJECT) and the worker's membership and newest contract
FACTS_FROM = _from_clause()
# one row per existing project; attendance selects FACTS_COLUMNS with its own (one query for a clock)
FACTS_QUERY = select(*FACTS_COLUMNS).select_from(FACTS_FROM).where(Project.id == PROJECT)


def facts_params(user_id: int, project_id: int) -> dict[str, int]:
    return {"gate_user_id": user_id, "gate_project_id": project_id}


def facts_from(row: Any | None) -> Facts:
    if row is None or row.gate_membership_id is None:
        return Facts(None, None, None, None, None, None, [], {})
    training = level_hours({level: getattr(row, f"gate_required_{level}") for level in TRAINING_LEVELS},
                           {level: getattr(row, f"gate_trained_{level}") for level in TRAINING_LEVELS})
    return Facts(row.gate_membership_id, row.gate_membership_status, row.gate_contract_status, row.term_start,
                 row.term_end, row.termination_date, training,
                 {kind: bool(getattr(row, f"gate_consent_{kind}")) for kind in CONSENT_KINDS})


# why the contract is not in force (services.contracts.in_force, 《劳动合同法》第十六条) -> the reason shown
CONTRACT_REASONS = {
    "worker_signed": Reason("CONTRACT_NOT_SIGNED", "您已签署，合同待用人单位签署后生效"),
    "unsigned": Reason("CONTRACT_NOT_SIGNED", MESSAGES["CONTRACT_NOT_SIGNED"]),
    "terminated": Reason("CONTRACT_NOT_ACTIVE", "劳动合同已解除"),
    "outside_term": Reason("CONTRACT_NOT_ACTIVE", MESSAGES["CONTRACT_NOT_ACTIVE"]),
}


def _contract_reasons(facts: Facts, on_day: date) -> list[Reason]:
    why = why_not_in_force(facts.contract_status, facts.term_start, facts.term_end, facts.termination_date, on_day)
    return [] if why is None else [CONTRACT_REASONS[why]]


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
