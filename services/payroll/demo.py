"""Demo payroll (``flask seed-demo``), in the law's order: the labour subcontractor's clerk
(``fake:demo-clerk``) prepares 钢筋班's payrolls, its workers sign their slips before submission, the
general contractor's labour manager (``fake:demo-payroll``) reviews and pays, ``fake:demo-approver``
approves; the general contractor's own team (水电班) has a month still being confirmed.
A newcomer logs in as ``fake:demo-worker1`` and sees a signed, paid slip at once. Seeding twice
changes nothing (seed_payroll_demo says which month is in which state).
"""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from models import Membership, Role, Team, User, db
from models.base import utcnow
from models.contracts import ContractStatus
from models.payroll import PayrollStatus
from services import org
from services.attendance.confirmation import Correction, confirm_days
from services.attendance.locks import month_of
from services.consents import grant_consent
from services.contracts.lifecycle import WorkerParty, generate_contract
from services.days import business_day
from services.enrollment.profile import ProfileInput, find_profile, save_profile
from services.payroll import approval, bank, build, order, slips
from services.platform_push.dictionaries import DEMO_PROFILE

WORKERS = (("demo-worker1", "陈大勇", "110105198503070013"), ("demo-worker2", "刘小军", "110105199011120037"),
           ("demo-worker3", "黄长江", "110105197806150051"))


def _id_number(base17: str) -> str:
    from stdnum.cn import ric

    return base17 + ric.calc_check_digit(base17 + "0")


def _card(n: int) -> str:
    from stdnum import luhn

    prefix = f"62270000123456{n:04d}"
    return prefix + luhn.calc_check_digit(prefix)


def _worker(openid: str, name: str, id_base: str, n: int, project_id: int, team_id: int, labour_id: int) -> int:
    user = db.session.execute(select(User).where(User.openid == openid)).scalar_one_or_none()
    if user is None:
        user = User(openid=openid, display_name=name)
        db.session.add(user)
        db.session.flush()
    for kind in ("privacy_policy", "biometric", "location", "financial"):
        grant_consent(user.id, kind, "v1")
    if find_profile(user.id) is None:
        save_profile(user.id, ProfileInput(name=name, id_number=_id_number(id_base[:17]), trade="钢筋工",
                                           phone=f"1380013{n:04d}", bank_card=_card(n), bank_name="中国建设银行",
                                           emergency_contact={"name": "家属", "phone": "13900139000"},
                                           **DEMO_PROFILE))  # type: ignore[arg-type]
    membership = db.session.execute(select(Membership).where(
        Membership.project_id == project_id, Membership.user_id == user.id, Membership.role == Role.WORKER.value)
    ).scalar_one_or_none()
    if membership is None:
        membership = Membership(project_id=project_id, user_id=user.id, role=Role.WORKER.value, team_id=team_id)
        db.session.add(membership)
        db.session.flush()
    profile = find_profile(user.id)
    party = WorkerParty(name, profile.name_masked, profile.id_number_masked, profile.phone_masked or "", profile.trade)
    contract = generate_contract(labour_id, membership.id, party)
    if contract.status == ContractStatus.UNSIGNED.value:
        # the demo skips the face-checked signing (tests/payroll/test_end_to_end.py walks it)
        contract.status, contract.signed_at = ContractStatus.SIGNED.value, utcnow()
        contract.term_start = business_day().replace(day=1) - timedelta(days=40)
    return user.id


def signature_png() -> bytes:
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 70), (90, 20), (150, 80), (220, 25), (280, 60)], fill=(0, 0, 0, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _login(openid: str) -> int:
    return db.session.execute(select(User.id).where(User.openid == openid)).scalar_one()


def _confirm(leader: int, team_id: int, ids: list[int], first, last) -> None:
    day = first
    while day <= last:
        if day.weekday() < 6:  # six-day weeks on site; the third worker took Saturdays' afternoons off
            half = day.weekday() == 5 and len(ids) > 2
            fixes = [Correction(uid, "present", 600 if day.day == 15 else 480, "按考勤机记录") for uid in ids[:2]]
            fixes += [Correction(uid, "half" if half else "present", 240 if half else 480, "按考勤机记录")
                      for uid in ids[2:]]
            confirm_days(leader, team_id, day, ids, fixes)
        day += timedelta(days=1)


def _prepare(actor: int, project_id: int, month: str, company_id: int | None, signers: list[int]) -> int:
    """Build, leave out the workers whose month is not payable yet, send the slips, the signers sign."""
    payroll = build.build_payroll(actor, project_id, month, company_id)
    for uid in sorted({b["user_id"] for b in payroll.blockers}):
        approval.defer_worker(actor, payroll.id, uid, "演示：考勤或合同待补，顺延下月发放")
    order.issue_slips(actor, payroll.id)
    for uid in signers:
        for line, p in slips.my_payslips(uid, project_id).items:
            if p.id == payroll.id:
                slips.confirm_payslip(uid, line.id, signature_png())
    return payroll.id


def _gc_team(admin: int, project_id: int, labour: int) -> tuple[int, int]:
    """The general contractor's own team (水电班) with one worker: the GC's payroll is the labour manager's."""
    team = db.session.execute(select(Team).where(Team.project_id == project_id, Team.name == "水电班")
                              ).scalar_one_or_none()
    if team is None:
        team = org.create_team(admin, project_id, name="水电班", default_day_wage_fen=38000, trade="水电工")
    uid = _worker("demo-worker4", "周水电", "11010519880808003", 4, project_id, team.id, labour)
    return team.id, uid


def seed_payroll_demo(project_id: int, team_id: int) -> int:
    """Payroll in the law's order, a month in each state; returns the approved payroll's id.

    - 钢筋班 (the labour subcontractor's team), last month: prepared by demo-clerk, every slip signed by
      its worker, submitted, reviewed by demo-payroll (Art. 28), approved by demo-approver, the bank file
      issued, two of three lines paid (demo-worker3 still in the bank batch);
    - 钢筋班, this month: prepared, slips signed, submitted: waiting for demo-payroll's review;
    - 水电班 (the general contractor's own team), last month: prepared by demo-payroll, the slip sent to
      demo-worker4, who has not confirmed it yet (confirming).
    Runs after the demo attendance: workers whose month is not payable yet are deferred."""
    month = month_of(business_day().replace(day=1) - timedelta(days=1))
    team = db.session.get(Team, team_id)
    company_id = team.company_id if team is not None else None
    existing = build.find_payroll(project_id, month, company_id) if company_id else None
    if existing is not None and existing.status == PayrollStatus.APPROVED.value:
        return existing.id
    labour, approver, leader = _login("demo-payroll"), _login("demo-approver"), _login("demo-leader")
    clerk, admin = _login("demo-clerk"), _login("demo-admin")
    ids = [_worker(openid, name, id_base, n, project_id, team_id, labour)
           for n, (openid, name, id_base) in enumerate(WORKERS, start=1)]
    gc_team, gc_worker = _gc_team(admin, project_id, labour)
    first = (business_day().replace(day=1) - timedelta(days=1)).replace(day=1)
    last = business_day().replace(day=1) - timedelta(days=1)
    _confirm(leader, team_id, ids, first, last)
    _confirm(labour, gc_team, [gc_worker], first, last)  # before the month is locked by an approval
    _confirm(leader, team_id, ids, business_day().replace(day=1), business_day())

    payroll_id = _prepare(clerk, project_id, month, company_id, ids)
    approval.submit_payroll(clerk, payroll_id)
    approval.review_payroll(labour, payroll_id)
    approval.approve_payroll(approver, payroll_id)
    _payroll, chunks = bank.bank_file(labour, payroll_id)
    rows = b"".join(chunks).decode().splitlines()[1:]
    results = ["line_ref,status,amount_fen,reason"]
    paid_lines = {line.id for uid in ids[:2] for line, _p in slips.my_payslips(uid, project_id).items}
    for row in rows:
        ref, amount = row.split(",")[0], row.split(",")[5]
        if int(ref.split("-")[1]) in paid_lines:  # SR<payroll>-<line>-<attempt>
            results.append(f"{ref},paid,{amount},")
    bank.import_results(labour, payroll_id, "\n".join(results).encode())

    current = _prepare(clerk, project_id, month_of(business_day()), company_id, ids)
    approval.submit_payroll(clerk, current)
    _prepare(labour, project_id, month, None, [])
    return payroll_id
