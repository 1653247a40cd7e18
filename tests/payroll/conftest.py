"""A payroll site: a project with payroll staff, oversight roles, a team and its workers, each with a
real-name profile and a signed contract made by small factories (the face-checked path to a
signed contract is the end-to-end test's job). Attendance goes through the leader's HTTP
confirmation; only unconfirmed days, which come from clocks, are made as rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from models import AttendanceDay, Contract, Role, User, WorkerProfile, db
from models.base import utcnow
from services import pii
from services.attendance.locks import month_bounds, month_of
from services.days import business_day
from tests.attendance.conftest import asite, face_models  # noqa: F401  (the end-to-end test's site)
from tests.factories import add_member, bank_card, bearer, make_project, make_team, make_user

STAFF = ("admin", "labour", "approver", "leader", "supervisor", "owner")
WORKERS = ("w1", "w2", "w3", "w4")
NAMES = {"w1": "王建国", "w2": "李二牛", "w3": "赵铁柱", "w4": "孙大力"}


@dataclass
class PayrollSite:
    project_id: int
    team_id: int
    users: dict[str, int]
    headers: dict[str, dict[str, str]]
    month: str

    def day(self, n: int) -> date:
        return month_bounds(self.month)[0] + timedelta(days=n - 1)


def last_month() -> str:
    return month_of(business_day().replace(day=1) - timedelta(days=1))


def profile_context(field: str, profile_id: int) -> str:
    return pii.row_context("worker_profiles", f"{field}_enc", profile_id)  # as enrollment binds them


def make_profile(user: User, name: str, *, card: str | None = None) -> WorkerProfile:
    profile = WorkerProfile(
        user_id=user.id, name_enc="", name_masked=name[0] + "*" * (len(name) - 1), id_number_enc="",
        id_number_masked="1101**********0011", id_number_bidx=f"bidx-{user.id}", sex="male", birth_date_enc="",
        birth_year=1990, trade="钢筋工", bank_name="中国建设银行" if card else None,
        bank_card_last4=card[-4:] if card else None)
    db.session.add(profile)
    db.session.flush()  # the ciphertexts are bound to the row id
    for field, value in (("name", name), ("id_number", "110105199001010011"), ("birth_date", "1990-01-01"),
                         ("bank_card", card)):
        if value is not None:
            setattr(profile, f"{field}_enc", pii.encrypt_str(value, context=profile_context(field, profile.id)))
    db.session.flush()
    return profile


def make_signed_contract(user: User, membership, *, wage_type: str = "day", amount_fen: int = 36000) -> Contract:
    contract = Contract(
        project_id=membership.project_id, user_id=user.id, membership_id=membership.id, team_id=membership.team_id,
        status="signed", title="劳动合同", body_enc=pii.encrypt_str("合同正文", context="test"),
        employer_name="测试建设集团", worker_name_masked="王**", trade="钢筋工", wage_type=wage_type,
        wage_amount_fen=amount_fen, pay_day=15, term_start=date(2020, 1, 1), signed_at=utcnow(),
        content_sha256="0" * 64)
    db.session.add(contract)
    db.session.flush()
    from services.contracts.lifecycle import _context  # the body is bound to the row, as generation binds it

    contract.body_enc = pii.encrypt_str("合同正文", context=_context(contract.id, "body"))
    db.session.flush()
    return contract


def make_unconfirmed_day(site: PayrollSite, who: str, day: date, status: str = "present", minutes: int = 480) -> None:
    """What a worker's clocks leave before the leader confirms the day."""
    db.session.add(AttendanceDay(project_id=site.project_id, user_id=site.users[who], team_id=site.team_id,
                                 business_date=day, status=status, worked_minutes=minutes, computed_status=status,
                                 computed_worked_minutes=minutes, flags=[], updated_at=utcnow()))
    db.session.flush()


@pytest.fixture
def psite(app) -> PayrollSite:
    wages = {"w1": ("day", 36000), "w2": ("day", 30000), "w3": ("day", 30000), "w4": ("day", 30000)}
    with app.app_context():
        users = {name: make_user(name) for name in STAFF + WORKERS}
        project = make_project(users["admin"])
        team = make_team(users["admin"], project, leader=users["leader"], wage_fen=36000)
        for who, role in (("labour", Role.LABOUR_MANAGER), ("approver", Role.PAYROLL_APPROVER),
                          ("supervisor", Role.SUPERVISOR), ("owner", Role.OWNER)):
            add_member(project, users[who], role)
        for n, who in enumerate(WORKERS):
            membership = add_member(project, users[who], Role.WORKER, team)
            make_profile(users[who], NAMES[who], card=bank_card(f"62220202001122{n:04d}"))
            make_signed_contract(users[who], membership, wage_type=wages[who][0], amount_fen=wages[who][1])
        db.session.commit()
        return PayrollSite(project.id, team.id, {k: u.id for k, u in users.items()},
                           {k: bearer(u) for k, u in users.items()}, last_month())


def confirm(client, site: PayrollSite, day: date, **days: tuple[str, int]) -> None:
    """The leader confirms the day for the named workers, as {who: (status, worked_minutes)}."""
    corrections = [{"user_id": site.users[who], "status": status, "worked_minutes": minutes, "reason": "按现场记录"}
                   for who, (status, minutes) in days.items()]
    resp = client.post(f"/api/v1/teams/{site.team_id}/days/{day.isoformat()}/confirm",
                       json={"user_ids": [site.users[who] for who in days], "corrections": corrections}, headers=site.headers["leader"])
    assert resp.status_code == 200, resp.get_json()


def error(resp) -> dict:
    body = resp.get_json()
    assert "error" in body, body
    return body["error"]


def sign_slip(client, headers, slip_id: int):
    """The worker's handwritten signature on the slip (POST /payslips/{id}/confirm)."""
    import io

    from tests.api.test_contracts import signature_png

    return client.post(f"/api/v1/payslips/{slip_id}/confirm", data={"signature": (io.BytesIO(signature_png()), "s.png")},
                       headers=headers, content_type="multipart/form-data")


def issue_and_confirm(client, site: PayrollSite, payroll_id: int, preparer: str = "labour",
                      skip: tuple[str, ...] = ()) -> dict[str, int]:
    """The preparer sends the slips; every worker of the payroll (but ``skip``) signs theirs. Slip ids by worker."""
    resp = client.post(f"/api/v1/payrolls/{payroll_id}/issue-slips", headers=site.headers[preparer])
    assert resp.status_code == 200, resp.get_json()
    lines = client.get(f"/api/v1/payrolls/{payroll_id}?limit=100", headers=site.headers[preparer]).get_json()["lines"]
    by_user = {line["user_id"]: line["id"] for line in lines}
    slips = {who: by_user[uid] for who, uid in site.users.items() if uid in by_user}
    for who, slip_id in slips.items():
        if who not in skip:
            signed = sign_slip(client, site.headers[who], slip_id)
            assert signed.status_code == 200, signed.get_json()
    return slips
