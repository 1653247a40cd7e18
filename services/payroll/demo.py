"""Demo payroll (``flask seed-demo``): three workers of the demo team with profiles and signed
contracts, last month confirmed by the leader, the payroll built by demo-payroll, approved by
demo-approver, the bank file issued and two of three lines paid, one slip signed. A newcomer
logs in as ``fake:demo-worker1`` and sees a paid, signed slip at once. Seeding twice changes nothing.
"""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from models import Membership, Role, User, db
from models.base import utcnow
from models.contracts import ContractStatus
from models.payroll import PayrollStatus
from services.attendance.confirmation import Correction, confirm_days
from services.attendance.locks import month_of
from services.consents import grant_consent
from services.contracts.lifecycle import WorkerParty, generate_contract
from services.days import business_day
from services.enrollment.profile import ProfileInput, find_profile, save_profile
from services.payroll import approval, bank, build, slips
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


def seed_payroll_demo(project_id: int, team_id: int) -> int:
    """Last month's approved, partly paid payroll; returns its id. Runs after the demo attendance:
    its workers whose month is not payable yet (no signed contract, unconfirmed days) are deferred."""
    month = month_of(business_day().replace(day=1) - timedelta(days=1))
    existing = build.find_payroll(project_id, month)
    if existing is not None and existing.status == PayrollStatus.APPROVED.value:
        return existing.id
    labour, approver, leader = _login("demo-payroll"), _login("demo-approver"), _login("demo-leader")
    ids = [_worker(openid, name, id_base, n, project_id, team_id, labour)
           for n, (openid, name, id_base) in enumerate(WORKERS, start=1)]
    first = business_day().replace(day=1) - timedelta(days=1)
    first = first.replace(day=1)
    day = first
    while day.month == first.month:
        if day.weekday() < 6:  # six-day weeks on site; the third worker took Saturdays' afternoons off
            half = day.weekday() == 5
            fixes = [Correction(ids[2], "half" if half else "present", 240 if half else 480, "按考勤机记录")]
            fixes += [Correction(uid, "present", 600 if day.day == 15 else 480, "按考勤机记录") for uid in ids[:2]]
            confirm_days(leader, team_id, day, ids, fixes)
        day += timedelta(days=1)
    payroll = build.build_payroll(labour, project_id, month)
    for uid in sorted({b["user_id"] for b in payroll.blockers}):
        approval.defer_worker(labour, payroll.id, uid, "演示：考勤或合同待补，顺延下月发放")
    approval.submit_payroll(labour, payroll.id)
    approval.approve_payroll(approver, payroll.id)
    _payroll, chunks = bank.bank_file(labour, payroll.id)
    rows = b"".join(chunks).decode().splitlines()[1:]
    results = ["line_ref,status,amount_fen,reason"]
    paid_lines = {line.id for uid in ids[:2] for line, _p in slips.my_payslips(uid, project_id).items}
    for row in rows:
        ref, amount = row.split(",")[0], row.split(",")[5]
        if int(ref.split("-")[1]) in paid_lines:  # SR<payroll>-<line>-<attempt>
            results.append(f"{ref},paid,{amount},")
    bank.import_results(labour, payroll.id, "\n".join(results).encode())
    slip_id = next(line.id for line, _p in slips.my_payslips(ids[0], project_id).items)
    slips.confirm_payslip(ids[0], slip_id, signature_png())
    return payroll.id
