"""Is a labour contract in force on a day: the one definition the entry gate, the warning rules, the
dashboards and payroll read (they used to write it three ways that disagreed).

《劳动合同法》第十六条: "劳动合同由用人单位与劳动者协商一致，并经用人单位与劳动者在劳动合同文本上签字或者盖章生效。"
So a contract only the worker has signed (``worker_signed``) or only the employer (``employer_signed``) is
not in force. A contract both signed is in force on a day when

- the day is on or after its ``term_start``;
- the day is on or before the end of its term: the newest signed 变更协议's ``term_end`` where there is
  one (a renewal, 第三十五条), else the contract's own. ``term_end`` NULL is a contract without a fixed
  end — 无固定期限 or 以完成一定工作任务为期限 (第十二条、第十五条): in force until it is terminated;
- it is not terminated, or terminated with a ``termination_date`` after the day (the contract ends on
  that date: the worker may not clock in on it; a terminated contract without a date is not in force).

The Python predicate and the SQL expression are built from the same rule (``_rule``): the comparisons
are written once and read by both, only "all of", "any of" and the NULL-safe date tests differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.orm import aliased

from models import Contract, ContractAmendment, ContractStatus, db

SIGNED = ContractStatus.SIGNED.value
TERMINATED = ContractStatus.TERMINATED.value
# both parties signed (a terminated contract was signed by both and still pays the days it covered)
BOTH_SIGNED: tuple[str, ...] = (SIGNED, TERMINATED)


@dataclass(frozen=True)
class _Ops:
    all: Callable[..., Any]
    any: Callable[..., Any]
    after: Callable[[Any, Any], Any]  # a nullable date strictly after the day (NULL: no)
    until: Callable[[Any, Any], Any]  # a nullable end date on or after the day (NULL: open-ended, yes)


_PY = _Ops(all=lambda *xs: all(xs), any=lambda *xs: any(xs),
           after=lambda d, day: d is not None and d > day, until=lambda d, day: d is None or d >= day)
_SQL = _Ops(all=and_, any=or_, after=lambda d, day: and_(d.is_not(None), d > day),
            until=lambda d, day: or_(d.is_(None), d >= day))


def _rule(o: _Ops, status: Any, term_start: Any, term_end: Any, termination_date: Any, day: Any) -> Any:
    """The one rule (see the module docstring), for Python values or SQL columns alike."""
    return o.all(o.any(status == SIGNED, o.all(status == TERMINATED, o.after(termination_date, day))),
                 term_start <= day, o.until(term_end, day))


def in_force(status: str | None, term_start: date | None, term_end: date | None, termination_date: date | None,
             day: date) -> bool:
    """``term_end``: the effective end (``effective_terms(contract).term_end``, the gate's facts)."""
    if status is None or term_start is None:
        return False
    return bool(_rule(_PY, status, term_start, term_end, termination_date, day))


def why_not_in_force(status: str | None, term_start: date | None, term_end: date | None,
                     termination_date: date | None, day: date) -> str | None:
    """None when in force, else why: ``worker_signed`` (waiting for the employer), ``unsigned``,
    ``terminated`` or ``outside_term``. Agrees with ``in_force`` (tests/test_one_rule.py checks it)."""
    if in_force(status, term_start, term_end, termination_date, day):
        return None
    if status == ContractStatus.WORKER_SIGNED.value:
        return "worker_signed"
    if status not in BOTH_SIGNED or term_start is None:
        return "unsigned"
    if status == TERMINATED and not _PY.after(termination_date, day):
        return "terminated"
    return "outside_term"


def standing_term_end(status: str | None, term_end: date | None) -> date | None:
    """The end of the term of a contract both signed and not terminated (attendance keeps a clock after it,
    flagged AFTER_CONTRACT_END, so the labour manager renews or ends the contract)."""
    return term_end if status == SIGNED else None


def effective_term_end_sql(contract: Any = Contract) -> Any:
    """The newest signed 变更协议's end date where there is one, else the contract's own (SQL; the Python
    form is ``services.contracts.amendments.effective_terms``)."""
    return _amended("term_end", contract)


def effective_pay_day_sql(contract: Any = Contract) -> Any:
    """The pay day agreed last: the newest signed 变更协议's, else the contract's own (as ``effective_terms``)."""
    return _amended("pay_day", contract)


def _amended(column: str, contract: Any) -> Any:
    amendment = aliased(ContractAmendment)
    signed = (amendment.contract_id == contract.id) & (amendment.status == SIGNED)
    amended = (select(getattr(amendment, column)).where(signed).order_by(amendment.id.desc()).limit(1)
               .correlate(contract).scalar_subquery())
    return case((exists().where(signed).correlate(contract), amended), else_=getattr(contract, column))


def terms_columns(contract: Any = Contract) -> tuple[Any, ...]:
    """What ``in_force`` reads, as columns: status, term_start, the effective term_end, termination_date."""
    return (contract.status, contract.term_start, effective_term_end_sql(contract).label("term_end"),
            contract.termination_date)


def in_force_sql(day: Any, contract: Any = Contract) -> Any:
    """The same rule as SQL on a contracts row (``contract``: the entity or an alias); never NULL."""
    return _rule(_SQL, contract.status, contract.term_start, effective_term_end_sql(contract),
                 contract.termination_date, day)


def any_in_force_sql(project_id: Any, user_id: Any, day: Any) -> Any:
    """EXISTS a contract of this worker on this project in force on ``day`` (columns or values)."""
    c = aliased(Contract)
    return exists().where(c.project_id == project_id, c.user_id == user_id, in_force_sql(day, c))


def in_force_throughout_sql(project_id: Any, user_id: Any, first: Any, last: Any) -> Any:
    """EXISTS one contract of this worker on this project in force on ``first`` and on ``last``, so on every
    day between: the rule is an interval (a start, an end, a termination date), so in force on two days is
    in force on the days between. Lets a batch check a window in one look per worker, not one per day."""
    c = aliased(Contract)
    return exists().where(c.project_id == project_id, c.user_id == user_id, in_force_sql(first, c),
                          in_force_sql(last, c))


__all__ = ["BOTH_SIGNED", "any_in_force_sql", "effective_term_end_sql", "in_force", "in_force_sql",
           "in_force_throughout_sql", "standing_term_end", "terms_columns",
           "why_not_in_force"]


def signed_wage_changes(contract_ids: list[int]) -> dict[int, list[tuple[date, str, int]]]:
    """Each contract's signed 变更协议 as (effective_from, wage_type, wage_amount_fen), in the order they take
    effect: what payroll pays from each date on (services/payroll/terms.py)."""
    out: dict[int, list[tuple[date, str, int]]] = {}
    for a in db.session.execute(select(
            ContractAmendment.contract_id, ContractAmendment.effective_from, ContractAmendment.wage_type,
            ContractAmendment.wage_amount_fen).where(
            ContractAmendment.contract_id.in_(contract_ids or [-1]),
            ContractAmendment.status == ContractStatus.SIGNED.value)
            .order_by(ContractAmendment.effective_from, ContractAmendment.id)):
        out.setdefault(a.contract_id, []).append((a.effective_from, a.wage_type, a.wage_amount_fen))
    return out
