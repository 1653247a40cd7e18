"""A project as the platform push meets it: a team with its leader, a worker whose profile has every
field the platform needs, a signed contract with its signing photo, a decided face clock. Rows are
written directly (as the other areas leave them); the fake platform is a real HTTP server."""

from __future__ import annotations

from datetime import date, timedelta

import requests

from models import Project, Team, User, WorkerProfile, db
from models.base import utcnow
from models.faces import FaceCheck, FaceEvidence
from models.oversight import PushEvent
from services.pii import encrypt_bytes, encrypt_str, mask_id_number, row_context
from services.platform_push import payloads
from tests.conftest import drain_jobs
from tests.factories import bank_card, bearer, id_number, make_project, make_team, make_user
from tests.oversight import rows
from workers.oversight import push_outbox_job

SECRET = "abcdef0123456789abcdef0123456789"
PROJECT_CODE = "44030020261201001"
ADDRESS = "广东省深圳市南山区测试路1号"
PHOTO = b"\xff\xd8\xff\xe0fake-jpeg-for-the-platform"


def address_seam(monkeypatch) -> None:
    """Issue 26 adds the profile's address; until it is merged the test gives one through the seam."""
    if not hasattr(WorkerProfile, "address_enc"):
        monkeypatch.setattr(payloads, "worker_address", lambda profile: ADDRESS)


def profile(user: User, seq: int, *, trade: str = "钢筋工", **changes) -> WorkerProfile:
    number = id_number(date(1988, 5, seq), seq=seq)
    p = WorkerProfile(user_id=user.id, name_enc="", name_masked="张*", id_number_enc="",
                      id_number_masked=mask_id_number(number), id_number_bidx=f"{seq:064d}", sex="male",
                      birth_date_enc="x", birth_year=1988, trade=trade, bank_card_last4="0000", bank_name="中国工商银行",
                      nation="01", culture_level="03", political_status="13", id_issuer="深圳市公安局南山分局",
                      id_valid_from=date(2020, 1, 1), id_valid_to="2040-01-01")
    for key, value in changes.items():
        setattr(p, key, value)
    db.session.add(p)
    db.session.flush()
    for column, value in (("name_enc", f"张{seq}"), ("id_number_enc", number), ("phone_enc", f"1380013{seq:04d}"),
                          ("bank_card_enc", bank_card(f"62220202001122{seq:04d}"))):
        setattr(p, column, encrypt_str(value, context=row_context("worker_profiles", column, p.id)))
    db.session.flush()
    return p


def photo_check(user: User, project: Project, kind: str) -> FaceCheck:
    check = FaceCheck(user_id=user.id, project_id=project.id, kind=kind, liveness_mode="passive", status="passed")
    db.session.add(check)
    db.session.flush()
    db.session.add(FaceEvidence(check_id=check.id, photo_enc=encrypt_bytes(PHOTO, context=f"face_evidence:{check.id}"),
                                sha256="0" * 64, size_bytes=len(PHOTO)))
    db.session.flush()
    return check


def build_site(app, *, platform_code: str | None = PROJECT_CODE, **worker_changes) -> dict:
    with app.app_context():
        admin = make_user("admin")
        project = make_project(admin)
        project.platform_code, project.wage_account_bank = platform_code, "中国建设银行"
        leader = make_user("leader")
        profile(leader, 1)
        team = make_team(admin, project, leader=leader)
        worker = rows.worker(project, team)
        profile(worker, 2, **worker_changes)
        start = utcnow().date() - timedelta(days=3)
        contract = rows.contract(project, worker, team, start)
        contract.term_end, contract.content_sha256 = start + timedelta(days=180), "ab" * 32
        contract.signing_check_id = photo_check(worker, project, "contract").id
        clock = rows.clock(project, worker, team, start)
        clock.face_check_id, clock.decided_at = photo_check(worker, project, "clock").id, utcnow()
        db.session.commit()
        return {"project": project.id, "team": team.id, "worker": worker.id, "contract": contract.id,
                "clock": clock.id, "admin": bearer(admin), "admin_id": admin.id}


def fake(platform, mode: str, times: int | None = None) -> None:
    requests.post(platform.base_url + "__fake__/mode", json={"mode": mode, "times": times}, timeout=5)


def received(platform) -> list[dict]:
    return requests.get(platform.base_url + "__fake__/received", timeout=5).json()["items"]


def rejected(platform) -> list[dict]:
    return requests.get(platform.base_url + "__fake__/rejected", timeout=5).json()["items"]


def calls(platform) -> list[dict]:
    return requests.get(platform.base_url + "__fake__/calls", timeout=5).json()["items"]


def run_cycle(app) -> None:
    with app.app_context():
        push_outbox_job()
    drain_jobs(app, "default")


def make_due(app) -> None:
    with app.app_context():
        db.session.execute(db.update(PushEvent).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def settle(app, cycles: int = 8) -> dict[str, str]:
    """Run the outbox until nothing moves (each cycle: everything due now); returns kind -> status."""
    for _ in range(cycles):
        make_due(app)
        run_cycle(app)
    return statuses(app)


def statuses(app) -> dict[str, str]:
    with app.app_context():
        return {e.kind: e.status for e in db.session.execute(db.select(PushEvent)).scalars()}


def event(app, kind: str) -> PushEvent:
    with app.app_context():
        row = db.session.execute(db.select(PushEvent).where(PushEvent.kind == kind)).scalar_one()
        db.session.expunge(row)
        return row


def team_sys_no(app, team_id: int) -> str | None:
    with app.app_context():
        return db.session.get(Team, team_id).platform_team_sys_no
