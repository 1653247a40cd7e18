"""红黑榜: companies and teams listed red (commended) or black (barred) by a regulator.

A black-listed party cannot join new projects until the entry is lifted: the entry gate
(services/enrollment/gate.py, hook EXTRA_CHECKS) refuses its workers on any project the
party joined after it was listed. The list is public (GET /api/v1/public/red-black-list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select

from models import Company, Membership, ProjectCompany, Role, Team, db
from models.base import utcnow
from models.oversight import ListColor, ListEntry, Regulator
from services import audit
from services.days import business_day
from services.enrollment.gate import Reason
from services.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.pagination import Page, Paged, paged_rows

PARTY_TYPES = ("company", "team")
EVIDENCE_TYPES = ("warning", "finding", "payroll", "unpaid_wages", "document")


def regulator_of(user_id: int) -> Regulator:
    row = db.session.get(Regulator, user_id)
    if row is None:
        raise Forbidden("NOT_A_REGULATOR")
    return row


def add_regulator(user_id: int, authority: str) -> Regulator:
    row = db.session.get(Regulator, user_id) or Regulator(user_id=user_id, authority=authority)
    row.authority = authority
    db.session.add(row)
    db.session.flush()
    return row


def _party_name(party_type: str, party_id: int) -> str:
    model = Company if party_type == "company" else Team
    party = db.session.get(model, party_id)
    if party is None:
        raise NotFound("PARTY_NOT_FOUND", details={"party_type": party_type, "party_id": party_id})
    return party.name


def list_party(actor_id: int, *, party_type: str, party_id: int, color: str, reason: str,
               evidence: list[dict], period_start: date, period_end: date | None) -> ListEntry:
    regulator = regulator_of(actor_id)
    if party_type not in PARTY_TYPES or color not in (ListColor.RED, ListColor.BLACK):
        raise Unprocessable("LIST_ENTRY_INVALID", details={"party_type": party_type, "color": color})
    if period_end is not None and period_end < period_start:
        raise Unprocessable("LIST_PERIOD_INVALID")
    bad = [e for e in evidence if e.get("type") not in EVIDENCE_TYPES]
    if bad:
        raise Unprocessable("LIST_EVIDENCE_INVALID", details={"allowed": list(EVIDENCE_TYPES)})
    row = ListEntry(party_type=party_type, party_id=party_id, party_name=_party_name(party_type, party_id),
                    color=color, reason=reason, evidence=evidence, period_start=period_start, period_end=period_end,
                    decided_by=actor_id, decided_by_authority=regulator.authority)
    db.session.add(row)
    db.session.flush()
    audit.record("oversight.listed", actor_user_id=actor_id, object_type=party_type, object_id=party_id,
                 details={"entry_id": row.id, "color": color, "reason": reason})
    return row


def lift_entry(actor_id: int, entry_id: int, note: str) -> ListEntry:
    regulator_of(actor_id)
    row = db.session.get(ListEntry, entry_id)
    if row is None:
        raise NotFound("LIST_ENTRY_NOT_FOUND")
    if row.lifted_at is not None:
        raise Conflict("LIST_ENTRY_LIFTED")
    row.lifted_at, row.lifted_by, row.lift_note = utcnow(), actor_id, note
    db.session.flush()
    audit.record("oversight.lifted", actor_user_id=actor_id, object_type=row.party_type, object_id=row.party_id,
                 details={"entry_id": row.id, "note": note})
    return row


def _current(day: Any, color: str | None) -> Select:
    query = select(ListEntry).where(ListEntry.lifted_at.is_(None), ListEntry.period_start <= day,
                                    or_(ListEntry.period_end.is_(None), ListEntry.period_end >= day))
    return query.where(ListEntry.color == color) if color else query


def current_entries(on_day: date | None = None, color: str | None = None) -> list[ListEntry]:
    """What the public list shows today: not lifted, in its period."""
    query = _current(on_day or business_day(), color)
    return list(db.session.execute(query.order_by(ListEntry.color, ListEntry.decided_at.desc())).scalars())


def public_entries(page: Page = Page()) -> Paged[ListEntry]:
    """The public list, a page at a time."""
    paged = paged_rows(_current(business_day(), None), ListEntry.id, page)
    return Paged([row[0] for row in paged.items], paged.next_after)


@dataclass(frozen=True)
class Bar:
    entry: ListEntry
    joined_at: datetime


def _joined_at(party_type: str, party_id: int, project_id: int, team: Team | None) -> datetime | None:
    if party_type == "team":
        return team.created_at if team is not None and team.id == party_id else None
    joined = [pc.created_at for pc in db.session.execute(select(ProjectCompany).where(
        ProjectCompany.project_id == project_id, ProjectCompany.company_id == party_id)).scalars()]
    if team is not None and team.company_id == party_id:
        joined.append(team.created_at)
    return min(joined) if joined else None


_NAMES_THE_TEAM = or_(and_(ListEntry.party_type == "team", ListEntry.party_id == Team.id),
                      and_(ListEntry.party_type == "company", ListEntry.party_id == Team.company_id))
# built once (the entry gate asks it on every clock): the current black entries naming the
# worker's team or its company, with the team; most workers have none, so nothing more is read
_BARRING = (_current(bindparam("on_day"), ListColor.BLACK.value).add_columns(Team).join(Team, _NAMES_THE_TEAM)
            .join(Membership, Membership.team_id == Team.id)
            .where(Membership.user_id == bindparam("user_id"), Membership.project_id == bindparam("project_id"),
                   Membership.role == Role.WORKER.value)
            .order_by(ListEntry.decided_at.desc()))


def bars_for(user_id: int, project_id: int, on_day: date) -> list[Bar]:
    """Black-list entries that bar this worker here: their team, or their team's company, was
    listed before it joined this project."""
    out = []
    for entry, team in db.session.execute(_BARRING, {"on_day": on_day, "user_id": user_id,
                                                     "project_id": project_id}).all():
        joined = _joined_at(entry.party_type, entry.party_id, project_id, team)
        if joined is not None and joined >= entry.decided_at:
            out.append(Bar(entry, joined))
    return out


def blacklist_check(user_id: int, project_id: int, on_day: date) -> list[Reason]:
    return [Reason("BLACKLISTED", f"{b.entry.party_name}已被列入黑名单（{b.entry.reason}），移出前不得进入新项目")
            for b in bars_for(user_id, project_id, on_day)]

