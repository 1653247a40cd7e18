"""An attendance site: workers enrolled the real way (consents, profile, join, a real face
enrollment, approval, a contract signed with a real face check, training hours), so the entry
gate lets them clock in. Jobs run for real: RQ on Redis (a SimpleWorker in this process, the
models loaded once) or the in-process runner in embedded mode."""

from __future__ import annotations

import io
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from devtools.fake_wechat import face_verify_result
from models import Contract, Role, User, db
from services.days import business_day
from tests.api.enrollment_site import Site
from tests.api.test_contracts import employer_sign, employer_signatory, sign
from tests.faces.photos import face_bytes
from tests.factories import (
    add_member,
    bearer,
    give_consents,
    id_number,
    make_project,
    make_team,
    make_user,
    profile_body,
    years_ago,
)

CENTER = (22.543096, 114.057865)  # tests/factories.GEOFENCE: a 300 m circle
METRES_PER_DEG_LAT = 111_195.0
NAMES = ("王建国", "李二牛", "赵铁柱", "孙大力", "周海生")


def north_of_center(metres: float) -> tuple[float, float]:
    return round(CENTER[0] + metres / METRES_PER_DEG_LAT, 7), CENTER[1]


def near_center() -> tuple[float, float]:
    """A real fix jitters by metres, so two clocks never share all the decimals (unlike a spoofing app)."""
    return (round(CENTER[0] + random.uniform(-2e-4, 2e-4), 7), round(CENTER[1] + random.uniform(-2e-4, 2e-4), 7))


def settle(app) -> None:
    """Run every queued job (face checks, their hand-over, buddy searches) and see what they committed."""
    if app.config["JOBS_MODE"] == "rq":
        from rq import SimpleWorker

        from infra.jobs import redis_connection, rq_queue

        queues = [rq_queue(app, "face"), rq_queue(app, "default")]
        for _ in range(3):  # a job may enqueue another (a mismatch queues the buddy search)
            SimpleWorker(queues, connection=redis_connection(app)).work(burst=True)
    else:
        from infra.jobs import wait_idle

        for _ in range(3):
            assert wait_idle(app, timeout=180)
    db.session.rollback()


def upload_face(client, headers, photo: str | list[str], *, kind: str = "clock", **fields):
    photos = [photo] if isinstance(photo, str) else photo
    data = {"kind": kind, **fields, "frames": [(io.BytesIO(face_bytes(p)), f"f{i}.jpg") for i, p in enumerate(photos)]}
    return client.post("/api/v1/faces/checks", data=data, headers=headers, content_type="multipart/form-data")


@dataclass
class AttendanceSite(Site):
    other_team_id: int = 0
    enrolled: dict[str, str] = field(default_factory=dict)

    def clock(self, client, who: str = "worker", photo: str | list[str] = "img2.jpg", *, at: tuple | None = None,
              accuracy_m: float = 15, direction: str = "in", taken_at: datetime | None = None,
              key: str | None = None, nonce: str | None = None, device_id: str | None = None):
        """Selfie first, then the clock (as the mini-program does); returns the clock POST's answer."""
        headers = self.headers[who]
        fields = {"project_id": self.project_id, **({"challenge_nonce": nonce} if nonce else {})}
        upload = upload_face(client, headers, photo, **fields)
        assert upload.status_code == 202, upload.get_json()
        lat, lng = at or near_center()
        body = {"project_id": self.project_id, "face_check_id": upload.get_json()["check_id"], "lat": lat,
                "lng": lng, "accuracy_m": accuracy_m, "direction": direction,
                "taken_at": (taken_at or datetime.now(UTC)).isoformat()}
        if device_id:
            body["device_id"] = device_id
        return client.post("/api/v1/attendance/clocks", json=body,
                           headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex})

    def get_clock(self, client, clock_id: int, who: str = "worker") -> dict:
        resp = client.get(f"/api/v1/attendance/clocks/{clock_id}", headers=self.headers[who])
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()


def enroll_worker(app, client, site: AttendanceSite, who: str, photo: str, seq: int, team_id: int) -> None:
    """The worker's whole path to a clean entry gate, through the enrollment and contract routes."""
    headers, labour = site.headers[who], site.headers["labour"]
    give_consents(client, headers)
    body = profile_body(id_number=id_number(years_ago(30 + seq, seq), seq=seq), name=NAMES[seq % len(NAMES)])
    saved = client.put("/api/v1/me/profile", json=body, headers=headers)
    assert saved.status_code == 200, saved.get_json()
    verified = client.post("/api/v1/me/identity-verifications", headers=headers, json={
        "verify_result": face_verify_result(body["id_number"], body["name"])})
    assert verified.status_code == 201, verified.get_json()
    joined = client.post("/api/v1/projects/join", json={"join_code": site.join_code, "team_id": team_id},
                         headers=headers)
    assert joined.status_code == 201, joined.get_json()
    assert upload_face(client, headers, photo, kind="enroll").status_code == 202
    with app.app_context():
        settle(app)
    approved = client.post(f"/api/v1/enrollments/{joined.get_json()['membership_id']}/approve", headers=labour)
    assert approved.status_code == 200, approved.get_json()
    contract_id = client.get("/api/v1/me/contracts", headers=headers).get_json()["items"][0]["id"]
    assert sign(client, headers, contract_id, photo).status_code == 202
    with app.app_context():
        settle(app)
    with app.app_context():
        # the contract began a week ago, so clocks uploaded late (or on a shifted business day) are inside it
        db.session.execute(update(Contract).where(Contract.id == contract_id)
                           .values(term_start=business_day() - timedelta(days=7)))
        db.session.commit()
    # in force once the employer's signatory has signed too (《劳动合同法》第十六条)
    signed = employer_sign(client, employer_signatory(app, client, site, contract_id), contract_id)
    assert signed.status_code == 200 and signed.get_json()["status"] == "signed", signed.get_json()
    for level, hours in (("company", 15), ("project", 15), ("team", 20)):
        resp = client.post(f"/api/v1/projects/{site.project_id}/workers/{site.users[who]}/trainings",
                           json={"level": level, "hours": hours, "date": business_day().isoformat()}, headers=labour)
        assert resp.status_code == 201, resp.get_json()
    gate = client.get(f"/api/v1/me/projects/{site.project_id}/gate", headers=headers).get_json()
    assert gate["may_clock_in"], gate
    site.enrolled[who] = photo


@pytest.fixture
def asite(app) -> AttendanceSite:
    """Users and teams only; tests enroll the workers they need (each costs real face checks)."""
    with app.app_context():
        names = ("admin", "labour", "leader", "other_leader", "worker", "buddy", "nonface", "stranger")
        users = {name: make_user(name) for name in names}
        project = make_project(users["admin"])
        team = make_team(users["admin"], project, leader=users["leader"], wage_fen=36000)
        other = make_team(users["admin"], project, name="木工班", leader=users["other_leader"])
        add_member(project, users["labour"], Role.LABOUR_MANAGER)
        db.session.commit()
        return AttendanceSite(project.id, project.join_code, team.id, {k: u.id for k, u in users.items()},
                              {k: bearer(u) for k, u in users.items()}, other_team_id=other.id)


@pytest.fixture(scope="session")
def face_models():
    """The face engine, loaded once (it is what the jobs use in this process)."""
    from services.faces.engine import get_engine
    from services.faces.weights import seed_weights
    from tests.faces.photos import FACES

    if not FACES.is_dir():
        pytest.skip(f"shared faces not found at {FACES}")
    seed_weights()
    return get_engine()


@pytest.fixture
def worker_site(app, client, asite, face_models) -> AttendanceSite:
    """One enrolled worker (img1 enrolled; img2 is the same person)."""
    enroll_worker(app, client, asite, "worker", "img1.jpg", 1, asite.team_id)
    return asite


def error(resp) -> dict:
    body = resp.get_json()
    assert "error" in body, body
    return body["error"]


def ago(**delta) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


def user_of(app, site: AttendanceSite, who: str) -> User:
    with app.app_context():
        return db.session.get(User, site.users[who])
