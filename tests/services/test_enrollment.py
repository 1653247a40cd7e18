"""Enrollment rules without HTTP: the checks on what a worker types, and concurrent approvals."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from models import Contract, Membership, Role, User, db
from services.consent_texts import CURRENT
from services.consents import grant_consent
from services.enrollment import identity, review
from services.enrollment.identity import InvalidField
from services.enrollment.profile import ProfileInput, save_profile
from services.errors import Conflict
from services.identity.paths import FACE_CONSENTS
from tests.factories import (
    add_member,
    bank_card,
    id_number,
    make_face_template,
    make_project,
    make_team,
    make_user,
    verify_identity,
    years_ago,
)

TODAY = date(2026, 11, 27)


def test_sex_and_birth_date_come_from_the_id_number():
    man = identity.parse_id_number(id_number(date(1980, 2, 29)), today=TODAY)
    woman = identity.parse_id_number(id_number(date(1990, 1, 1), male=False).lower(), today=TODAY)
    assert (man.sex, man.birth_date) == ("male", date(1980, 2, 29))
    assert woman.sex == "female"


def test_a_birth_date_in_the_future_is_impossible():
    with pytest.raises(InvalidField) as err:
        identity.parse_id_number(id_number(date(2027, 1, 1)), today=TODAY)
    assert err.value.problem.type == "id_birth_date"


@pytest.mark.parametrize(("born", "code"), [
    (date(2010, 11, 28), "AGE_UNDER_16"),  # 16 tomorrow
    (date(2010, 11, 27), "AGE_UNDER_18"),  # 16 today
    (date(2008, 11, 28), "AGE_UNDER_18"),
    (date(2008, 11, 27), None),  # 18 today
])
def test_working_age_boundaries(born, code):
    problem = identity.check_working_age(born, TODAY)
    assert (problem.type if problem else None) == code


def test_phone_and_card():
    assert identity.normalize_mobile("+86 138-0013-8000") == "13800138000"
    for bad in ("12345678901", "02112345678", "+1 415 555 0100"):
        with pytest.raises(InvalidField):
            identity.normalize_mobile(bad)
    card = bank_card()
    assert identity.normalize_bank_card(card[:4] + " " + card[4:]) == card
    with pytest.raises(InvalidField) as err:
        identity.normalize_bank_card(card[:-1] + str((int(card[-1]) + 1) % 10))
    assert err.value.problem.type == "bank_card_checksum"


def test_masked_names():
    assert [identity.mask_name(n) for n in ("张三", "欧阳娜娜", "李")] == ["张*", "欧***", "*"]


def test_two_reviewers_approving_at_once_make_one_contract(app):
    """The membership row lock (MariaDB) / write lock (SQLite) lets one approval through."""
    with app.app_context():
        admin, labour, worker = make_user("admin"), make_user("labour"), make_user("worker")
        project = make_project(admin)
        team = make_team(admin, project)
        add_member(project, labour, Role.LABOUR_MANAGER)
        for kind in FACE_CONSENTS:
            grant_consent(worker.id, kind, CURRENT[kind].version)
        save_profile(worker.id, ProfileInput(name="张三", id_number=id_number(years_ago(30)), trade="钢筋工",
                                             phone="13800138000", bank_card=bank_card(), bank_name="建设银行",
                                             emergency_contact={"name": "李四", "phone": "13900139000"},
                                             address="四川省南充市顺庆区和平路12号"))
        make_face_template(db.session.get(User, worker.id))
        verify_identity(worker.id)
        pending = Membership(project_id=project.id, user_id=worker.id, role="worker", team_id=team.id,
                             status="pending")
        db.session.add(pending)
        db.session.commit()
        ids = {"admin": admin.id, "labour": labour.id, "membership": pending.id}

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(reviewer: str) -> None:
        with app.app_context():
            barrier.wait()
            try:
                review.approve(ids[reviewer], ids["membership"])
                db.session.commit()
                outcomes.append("approved")
            except Conflict as exc:
                db.session.rollback()
                outcomes.append(exc.code)

    threads = [threading.Thread(target=approve, args=(who,)) for who in ("admin", "labour")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["ENROLLMENT_NOT_PENDING", "approved"]
    with app.app_context():
        assert db.session.execute(select(func.count(Contract.id))).scalar_one() == 1
