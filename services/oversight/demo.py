"""Demo history for the oversight area: 60 days of attendance on two projects, and the data
that makes each warning rule fire once, so every dashboard shows real charts.

Running it twice changes nothing (the second project's join code marks it as done).
"""

from __future__ import annotations

import hashlib
import io
import random
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from PIL import Image
from sqlalchemy import select
from stdnum.cn import ric

from models import Company, Contract, Membership, Project, Role, Team, Training, User, WorkerProfile, db
from models.attendance import AttendanceDay, Clock, DayCorrection
from models.faces import FaceCheck, FaceEvidence
from models.oversight import Finding, WageDeposit
from models.payroll import Payroll
from services import org
from services.days import SITE_TZ, business_day
from services.oversight import blacklist, warnings
from services.pii import encrypt_bytes, encrypt_str, mask_id_number, mask_phone, row_context

SECOND_JOIN_CODE = "DEMO02"
HISTORY_DAYS = 60
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SITE_TZ).astimezone(UTC)


def _user(openid: str, name: str) -> User:
    user = db.session.execute(select(User).where(User.openid == openid)).scalar_one_or_none()
    if user is None:
        user = User(openid=openid, display_name=name)
        db.session.add(user)
        db.session.flush()
    return user


def _profile(user: User, n: int, name: str, trade: str, rnd: random.Random) -> WorkerProfile:
    """A profile that passes the platform's checks: a valid 居民身份证号 (GB 11643 check digit), a
    phone, and the platform's own fields with codes from services/platform_push/dictionaries."""
    base = f"4403041990{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    number = base + ric.calc_check_digit(base + "0")
    profile = WorkerProfile(
        user_id=user.id, name_enc="", name_masked=name[0] + "*", id_number_enc="", id_number_masked=mask_id_number(number),
        id_number_bidx=hashlib.sha256(f"demo-{user.openid}".encode()).hexdigest(), sex="male", birth_date_enc="demo",
        birth_year=1990, trade=trade, bank_name="中国建设银行", bank_card_last4=f"{rnd.randint(0, 9999):04d}",
        phone_masked=mask_phone(f"139{n:08d}"), nation="01", culture_level=("02", "03", "04")[n % 3],
        political_status="13", id_issuer="深圳市公安局福田分局", id_valid_from=date(2019, 3, 1), id_valid_to="2039-03-01")
    db.session.add(profile)
    db.session.flush()  # ciphertexts are bound to their row (pii.row_context)
    for column, value in (("name_enc", name), ("id_number_enc", number), ("phone_enc", f"139{n:08d}")):
        setattr(profile, column, encrypt_str(value, context=row_context("worker_profiles", column, profile.id)))
    return profile


def _worker(project: Project, team: Team, n: int, rnd: random.Random) -> User:
    name = SURNAMES[n % len(SURNAMES)] + "工" + str(n)
    user = _user(f"demo-site-{project.id}-{n}", name)
    _profile(user, n, name, team.trade or "钢筋工", rnd)
    db.session.add(Membership(project_id=project.id, user_id=user.id, role=Role.WORKER.value, team_id=team.id,
                              created_at=_at(business_day() - timedelta(days=HISTORY_DAYS + 5), 9)))
    db.session.flush()
    return user


def _missing_profiles(project_ids: list[int], rnd: random.Random) -> None:
    """Team.Add names the leader (and 责任人) with his ID, every record names the worker's: each demo
    leader and worker (the attendance demo's crew too) gets a profile that passes the platform's checks."""
    people = db.session.execute(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.project_id.in_(project_ids), Membership.role.in_((Role.WORKER.value, Role.TEAM_LEADER.value)))
        .distinct().order_by(User.id)).scalars().all()
    for i, person in enumerate(people):
        if db.session.execute(select(WorkerProfile.id).where(WorkerProfile.user_id == person.id)).first() is None:
            _profile(person, 900 + i, person.display_name or f"工人{i}", "钢筋工", rnd)


def _settle(project: Project, team: Team, user: User, recorder: User, start: date) -> None:
    m = db.session.execute(select(Membership).where(Membership.project_id == project.id,
                                                    Membership.user_id == user.id)).scalar_one()
    db.session.add(Contract(project_id=project.id, user_id=user.id, membership_id=m.id, team_id=team.id, status="signed",
                            title="劳动合同", body_enc="demo", employer_name="深圳示例劳务有限公司",
                            worker_name_masked=user.display_name[0] + "*", trade=team.trade or "普工", wage_type="day",
                            wage_amount_fen=team.default_day_wage_fen, pay_day=15, term_start=start,
                            term_end=start + timedelta(days=365),  # fixed term: the platform needs the end date
                            signed_at=_at(start, 9), signing_check_id=_photo_check(project, user, "contract")))
    for level, hours in (("company", 15), ("project", 15), ("team", 20)):
        db.session.add(Training(project_id=project.id, user_id=user.id, level=level, minutes=hours * 60,
                                trained_on=start, recorded_by=recorder.id))


def _day(project: Project, user: User, team: Team, on: date, leader_id: int | None, rnd: random.Random) -> AttendanceDay:
    status = "present" if rnd.random() < 0.88 else "half"
    d = AttendanceDay(project_id=project.id, user_id=user.id, team_id=team.id, business_date=on,
                      first_in=_at(on, 7, rnd.randint(30, 59)), last_out=_at(on, 17 if status == "present" else 12,
                                                                             rnd.randint(0, 30)),
                      status=status, worked_minutes=480 if status == "present" else 240, computed_status=status,
                      computed_worked_minutes=480 if status == "present" else 240, flags=[],
                      confirmed_at=_at(on, 20) if leader_id and on < business_day() - timedelta(days=2) else None,
                      confirmed_by=leader_id if on < business_day() - timedelta(days=2) else None)
    db.session.add(d)
    return d


@cache
def _demo_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 170, 150)).save(out, "JPEG")
    return out.getvalue()


def _photo_check(project: Project, user: User, kind: str) -> int:
    """A passed face check with a small stand-in photo: the platform wants the clock's and the
    worker's picture (headImage, image), as a real selfie would give them."""
    check = FaceCheck(user_id=user.id, project_id=project.id, kind=kind, liveness_mode="passive", status="passed")
    db.session.add(check)
    db.session.flush()
    photo = _demo_jpeg()
    db.session.add(FaceEvidence(check_id=check.id, photo_enc=encrypt_bytes(photo, context=f"face_evidence:{check.id}"),
                                sha256=hashlib.sha256(photo).hexdigest(), size_bytes=len(photo)))
    return check.id


def _clock(project: Project, user: User, team: Team, on: date, **kw) -> None:
    status = kw.pop("status", "accepted")
    check_id = _photo_check(project, user, "clock") if status in ("accepted", "flagged") else None
    db.session.add(Clock(project_id=project.id, user_id=user.id, team_id=team.id, direction=kw.pop("direction", "in"),
                         taken_at=_at(on, 7, 50), business_date=on, lat=22.5431, lng=114.0579, accuracy_m=12,
                         status=status, flags=kw.pop("flags", []), face_check_id=check_id, **kw))


def _site(admin: User, project: Project, teams: list[Team], size: int, rnd: random.Random, first: int) -> list[User]:
    today = business_day()
    people = []
    for i, team in enumerate(teams):
        for n in range(size):
            w = _worker(project, team, first + i * size + n, rnd)
            people.append((w, team))
            if n < size - 1:  # the last of each team never signed nor trained
                _settle(project, team, w, admin, today - timedelta(days=HISTORY_DAYS + 3))
    for w, team in people:
        for k in range(HISTORY_DAYS, 0, -1):
            on = today - timedelta(days=k)
            if on.weekday() != 6 and rnd.random() < 0.9:
                _day(project, w, team, on, team.leader_user_id, rnd)
        _clock(project, w, team, today)
    db.session.flush()
    return [w for w, _t in people]


def _teams(admin: User, project: Project, names: list[tuple[str, str]], company_id: int) -> list[Team]:
    out = []
    for i, (name, trade) in enumerate(names):
        leader = _user(f"demo-leader-{project.id}-{i}", f"{name[:1]}班长")
        existing = db.session.execute(select(Team).where(Team.project_id == project.id, Team.name == name)
                                      ).scalar_one_or_none()
        if existing is None:
            existing = org.create_team(admin.id, project.id, name=name, default_day_wage_fen=36000,
                                       company_id=company_id, trade=trade)
            # a leader must already work in the project (an accepted invitation, without the round trip)
            db.session.add(Membership(project_id=project.id, user_id=leader.id, role=Role.TEAM_LEADER.value,
                                      team_id=existing.id))
            db.session.flush()
            org.update_team(admin.id, existing.id, {"leader_user_id": leader.id})
        out.append(existing)
    return out


def _make_trouble(project: Project, teams: list[Team], workers: list[User]) -> None:
    """One case of every rule that reads attendance and enrollment."""
    today = business_day()
    hopper, absent, cheat, owner, twin_a, twin_b = workers[0], workers[1], workers[2], workers[3], workers[4], workers[5]
    for i, team in enumerate(teams[1:3]):  # TEAM_HOPPING: two more teams in the last weeks
        on = today - timedelta(days=5 + i)
        db.session.execute(db.delete(AttendanceDay).where(AttendanceDay.user_id == hopper.id,
                                                          AttendanceDay.business_date == on))
        db.session.add(AttendanceDay(project_id=project.id, user_id=hopper.id, team_id=team.id, business_date=on,
                                     status="present", worked_minutes=480, computed_status="present",
                                     computed_worked_minutes=480, flags=[]))
    db.session.execute(db.delete(AttendanceDay).where(  # LONG_ABSENCE: not seen for 12 days
        AttendanceDay.user_id == absent.id, AttendanceDay.business_date >= today - timedelta(days=12)))
    db.session.execute(db.delete(Clock).where(Clock.user_id == absent.id))
    for k in range(1, 5):  # FRAUD_FLAGS
        _clock(project, cheat, teams[0], today - timedelta(days=k), status="flagged", flags=["REPEATED_COORDINATES"])
    for twin in (twin_a, twin_b):  # SHARED_FACE: two accounts' selfies matched one person's template
        _clock(project, twin, teams[0], today - timedelta(days=3), status="rejected", reason_code="FACE_MISMATCH",
               buddy_user_id=owner.id)
    db.session.flush()
    busy = teams[0]  # LEADER_CORRECTIONS: this leader corrects nearly every day, the others rarely
    days = db.session.execute(select(AttendanceDay).where(
        AttendanceDay.team_id.in_([t.id for t in teams]), AttendanceDay.confirmed_at.is_not(None),
        AttendanceDay.business_date >= today - timedelta(days=25))).scalars().all()
    for i, d in enumerate(days):
        if (d.team_id == busy.id and i % 2 == 0) or i % 23 == 0:
            d.corrected = True
            db.session.add(DayCorrection(day_id=d.id, from_status="absent", from_worked_minutes=0, to_status=d.status,
                                         to_worked_minutes=d.worked_minutes, reason="漏打卡补录",
                                         corrected_by=d.confirmed_by))
    db.session.flush()


def seed_oversight_demo(project_id: int, company_id: int) -> None:
    if db.session.execute(select(Project.id).where(Project.join_code == SECOND_JOIN_CODE)).first():
        return
    rnd = random.Random(19)
    admin = _user("demo-admin", "项目管理员")
    first = db.session.get(Project, project_id)
    labour_company = db.session.execute(select(Company).where(Company.uscc == "91440300192174135N")).scalar_one()
    second = org.create_project(admin.id, name="前海示例商务中心项目", address="广东省深圳市南山区前海示例大道8号",
                                general_contractor_id=company_id, wage_account_bank="中国工商银行深圳分行",
                                wage_account_no="40000000000000005678", geofence=first.geofence,
                                join_code=SECOND_JOIN_CODE)
    second.platform_code = "44030520261201002"
    org.add_participant(admin.id, second.id, labour_company.id, "labour_subcontractor")
    teams1 = _teams(admin, first, [("钢筋班", "钢筋工"), ("木工班", "木工"), ("泥工班", "砌筑工")], labour_company.id)
    teams2 = _teams(admin, second, [("架子班", "架子工"), ("电工班", "电工")], labour_company.id)
    workers1 = _site(admin, first, teams1, 8, rnd, 0)
    _site(admin, second, teams2, 10, rnd, 100)
    _make_trouble(first, teams1, workers1)
    _missing_profiles([first.id, second.id], random.Random(29))  # its own draws: the site's stay as they were
    owner, regulator = _user("demo-owner", "钱建设"), _user("demo-regulator", "孙监管")
    for project in (first, second):
        if not db.session.execute(select(Membership.id).where(Membership.project_id == project.id,
                                                              Membership.user_id == owner.id)).first():
            org.hold_role(project.id, owner.id, Role.OWNER.value, None)  # an accepted invitation, without the round trip
    blacklist.add_regulator(regulator.id, "深圳市住房和建设局")
    db.session.add(Finding(project_id=first.id, month=business_day().strftime("%Y-%m"), item="to_post_rate",
                           description="木工班本月到岗率偏低，请核实原因并于月底前整改", created_by=admin.id))
    bad = org.create_company(admin.id, "示例失信劳务有限公司", "91440300MA5DC12341")
    today = business_day()
    blacklist.list_party(regulator.id, party_type="company", party_id=bad.id, color="black", reason="拖欠农民工工资",
                         evidence=[{"type": "unpaid_wages", "note": "2026年9月工资未足额发放"}],
                         period_start=today - timedelta(days=30), period_end=None)
    blacklist.list_party(regulator.id, party_type="team", party_id=teams1[1].id, color="red", reason="工资按时足额发放，考勤规范",
                         evidence=[{"type": "document", "note": "季度检查"}], period_start=today - timedelta(days=10),
                         period_end=today + timedelta(days=80))
    approved = sum(db.session.execute(select(Payroll.total_net_fen).where(
        Payroll.project_id == first.id, Payroll.status == "approved")).scalars())
    for k, share in enumerate((0.5, 0.3)):  # deposits short of the approved payroll: PAYROLL_ABOVE_DEPOSITS
        db.session.add(WageDeposit(project_id=first.id, amount_fen=int(approved * share) or 100000,
                                   deposited_on=today - timedelta(days=40 - k * 20), reference=f"DEMO-DEP-{k + 1}",
                                   recorded_by=admin.id))
    db.session.add(WageDeposit(project_id=second.id, amount_fen=50_000_000, deposited_on=today - timedelta(days=50),
                               reference="DEMO-DEP-Q1", recorded_by=admin.id))
    db.session.flush()
    warnings.refresh_warnings([first.id, second.id])
