"""The retention table: the daily job deletes a face template once the worker left (after the grace),
keeps the clock photos a payroll still needs, and the report and docs say the same."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from models import AuditEntry, Contract, Membership, Project, Role, User, db
from models.attendance import Clock
from models.faces import FaceCheck, FaceEvidence, FaceTemplate
from models.payroll import Payroll
from services.days import business_day
from services.retention.job import apply_retention
from services.retention.policy import markdown_table
from services.storage import objects
from tests.factories import add_member, make_face_template, make_project, make_team, make_user

ROOT = Path(__file__).resolve().parents[2]


def project_company(project_id: int) -> int:
    from models import ProjectCompany

    return db.session.scalars(select(ProjectCompany.company_id).where(ProjectCompany.project_id == project_id)).first()


def clock_with_photo(project: Project, user: User, day: date) -> int:
    check = FaceCheck(user_id=user.id, project_id=project.id, kind="clock", liveness_mode="passive",
                      status="passed", purpose="attendance.clock")
    db.session.add(check)
    db.session.flush()
    taken = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)
    clock = Clock(project_id=project.id, user_id=user.id, direction="in", taken_at=taken, business_date=day,
                  lat=22.54, lng=114.05, accuracy_m=10, face_check_id=check.id, status="accepted")
    db.session.add(clock)
    db.session.flush()
    check.purpose_id = clock.id
    photo = objects.put(b"\xff\xd8 a clock photo", context=f"face_evidence:{check.id}", content_type="image/jpeg")
    evidence = FaceEvidence(check_id=check.id, photo_object_id=photo.id, sha256="0" * 64, size_bytes=10,
                            created_at=taken)
    db.session.add(evidence)
    db.session.flush()
    return evidence.id


def test_template_deleted_after_leaving_and_clock_photos_kept_while_a_payroll_needs_them(app):
    today = business_day()
    with app.app_context():
        admin, labour = make_user("admin"), make_user("labour")
        gone, staying = make_user("gone"), make_user("staying")
        project = make_project(admin)
        team = make_team(admin, project)
        add_member(project, labour, Role.LABOUR_MANAGER)
        left = add_member(project, gone, Role.WORKER, team)
        left.status = "left"
        add_member(project, staying, Role.WORKER, team)
        for user in (gone, staying):
            make_face_template(user)
        db.session.add(Contract(project_id=project.id, user_id=gone.id, membership_id=left.id, team_id=team.id,
                                status="terminated", title="t", body_enc="", employer_name="e", worker_name_masked="x",
                                trade="钢筋工", wage_type="day", wage_amount_fen=1, pay_day=15,
                                term_start=today - timedelta(days=400), termination_date=today - timedelta(days=20)))
        # completed and settled more than three years ago: the clock photos are due
        project.completed_on = project.wages_settled_on = today - timedelta(days=3 * 366 + 10)
        old = today - timedelta(days=4 * 366)
        needed_month = old.replace(day=3)
        paid_month = (old.replace(day=1) - timedelta(days=20)).replace(day=3)
        kept_photo = clock_with_photo(project, staying, needed_month)
        gone_photo = clock_with_photo(project, staying, paid_month)
        db.session.add(Payroll(project_id=project.id, month=needed_month.strftime("%Y-%m"), status="submitted",
                               company_id=project_company(project.id), prepared_by=labour.id))
        db.session.commit()
        ids = {"gone": gone.id, "staying": staying.id}

        # 20 days after the contract ended: still inside the grace period
        assert apply_retention(today) == {"clock_photo": 1}
        db.session.commit()
        assert db.session.get(FaceEvidence, gone_photo).photo_object_id is None
        assert db.session.get(FaceEvidence, kept_photo).photo_object_id is not None  # the payroll is not approved
        assert db.session.scalar(select(func.count()).select_from(FaceTemplate)
                                 .where(FaceTemplate.user_id == ids["gone"])) == 1

        done = apply_retention(today + timedelta(days=11))
        db.session.commit()
        assert done == {"face_template": 1}
        held = db.session.scalars(select(FaceTemplate.user_id)).all()
        assert held == [ids["staying"]]  # still on the project
        assert db.session.get(FaceEvidence, kept_photo).photo_object_id is not None
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.deleted")).all()
        assert {e.object_type for e in entries} == {"clock_photo", "face_template"}

        payroll = db.session.scalars(select(Payroll)).one()
        payroll.status = "approved"  # approved with no line for the worker: nothing is owed on that clock
        db.session.commit()
        assert apply_retention(today + timedelta(days=12)) == {"clock_photo": 1}
        db.session.commit()
        assert db.session.get(Membership, left.id).status == "left"

    runner = app.test_cli_runner()
    out = runner.invoke(args=["retention", "report", "--json"])
    assert out.exit_code == 0, out.output
    assert {r["record_type"] for r in json.loads(out.output)} == {"face_template"}  # the staying worker's, undated


def test_the_table_in_code_is_the_table_in_the_docs():
    assert markdown_table() in (ROOT / "docs" / "retention.md").read_text(encoding="utf-8")
