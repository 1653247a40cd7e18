"""Rows as the other areas leave them (attendance days, clocks, corrections, contracts, training),
written directly so each warning rule can be fed exactly the data it reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from models import Contract, Membership, Role, Training, User, db
from models.attendance import AttendanceDay, Clock, DayCorrection
from services.days import SITE_TZ


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), SITE_TZ).astimezone(UTC)


def worker(project, team, user: User | None = None, *, created: date | None = None) -> User:
    from tests.factories import make_user

    user = user or make_user()
    m = Membership(project_id=project.id, user_id=user.id, role=Role.WORKER.value, team_id=team.id if team else None)
    if created:
        m.created_at = at(created)
    db.session.add(m)
    db.session.flush()
    return user


def day(project, user: User, team, on: date, status: str = "present", *, confirmed_by: int | None = None,
        corrected: bool = False) -> AttendanceDay:
    d = AttendanceDay(project_id=project.id, user_id=user.id, team_id=team.id if team else None, business_date=on,
                      first_in=at(on, 8), last_out=at(on, 17) if status == "present" else at(on, 12), status=status,
                      worked_minutes=480 if status == "present" else 240, computed_status=status,
                      computed_worked_minutes=480, flags=[], corrected=corrected,
                      confirmed_at=at(on, 20) if confirmed_by else None, confirmed_by=confirmed_by)
    db.session.add(d)
    db.session.flush()
    return d


def correction(d: AttendanceDay, by: int) -> DayCorrection:
    c = DayCorrection(day_id=d.id, from_status="absent", from_worked_minutes=0, to_status=d.status,
                      to_worked_minutes=d.worked_minutes, reason="补录", corrected_by=by)
    d.corrected = True
    db.session.add(c)
    db.session.flush()
    return c


def clock(project, user: User, team, on: date, *, status: str = "accepted", flags: list[str] | None = None,
          buddy: int | None = None, direction: str = "in", hour: int = 8) -> Clock:
    c = Clock(project_id=project.id, user_id=user.id, team_id=team.id if team else None, direction=direction,
              taken_at=at(on, hour), business_date=on, lat=22.54, lng=114.05, accuracy_m=10, status=status,
              flags=flags or [], buddy_user_id=buddy)
    db.session.add(c)
    db.session.flush()
    return c


def contract(project, user: User, team, start: date, *, signed: bool = True) -> Contract:
    m = db.session.query(Membership).filter_by(project_id=project.id, user_id=user.id, role="worker").one()
    c = Contract(project_id=project.id, user_id=user.id, membership_id=m.id, team_id=team.id if team else None,
                 status="signed" if signed else "unsigned", title="劳动合同", body_enc="x", employer_name="测试建设集团",
                 worker_name_masked="张*", trade="钢筋工", wage_type="day", wage_amount_fen=35000, pay_day=15,
                 term_start=start, signed_at=at(start) if signed else None)
    db.session.add(c)
    db.session.flush()
    return c


def trained(project, user: User, recorder: User, on: date, hours: dict[str, int] | None = None) -> None:
    for level, h in (hours or {"company": 15, "project": 15, "team": 20}).items():
        db.session.add(Training(project_id=project.id, user_id=user.id, level=level, minutes=h * 60, trained_on=on,
                                recorded_by=recorder.id))
    db.session.flush()


def days_ago(n: int, today: date) -> date:
    return today - timedelta(days=n)


def payroll(project, month: str, prepared_by: User, lines: list[tuple[User, int, str]], *,
            status: str = "approved"):
    """An approved payroll with lines (worker, net fen, payment status), as payroll leaves it."""
    from models.payroll import Payroll, PayrollLine
    from services.authz import general_contractor_of

    total = sum(net for _u, net, _s in lines)
    p = Payroll(project_id=project.id, month=month, company_id=general_contractor_of(project.id), status=status, prepared_by=prepared_by.id, line_count=len(lines),
                total_gross_fen=total, total_net_fen=total)
    db.session.add(p)
    db.session.flush()
    for user, net, paid in lines:
        c = db.session.query(Contract).filter_by(project_id=project.id, user_id=user.id).first()
        db.session.add(PayrollLine(payroll_id=p.id, user_id=user.id, team_id=c.team_id, contract_id=c.id,
                                   name_masked="张*", wage_type="day", rate_fen=35000, half_days=40, base_fen=net,
                                   gross_fen=net, net_fen=net, payment_status=paid,
                                   paid_at=at(date(int(month[:4]), int(month[5:]), 28) + timedelta(days=10))
                                   if paid == "paid" else None, paid_ref="B1" if paid == "paid" else None))
    db.session.flush()
    return p
