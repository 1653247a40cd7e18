"""The org rules without HTTP: real database, services called as the blueprints call them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Membership, MembershipStatus, ParticipantRole, ProjectCompany, Role, db
from services import org, pii
from services.errors import Conflict, Forbidden, ProjectNotFound, Unprocessable
from tests.factories import USCCS, add_member, make_company, make_project, make_team, make_user


def roles_of(user_id: int, project_id: int) -> set[str]:
    rows = db.session.execute(select(Membership.role).where(
        Membership.user_id == user_id, Membership.project_id == project_id)).scalars()
    return set(rows)


def test_company_uscc_is_validated_and_unique(ctx):
    admin = make_user()
    company = org.create_company(admin.id, " 测试建设集团 ", USCCS[0].lower())
    assert (company.name, company.uscc) == ("测试建设集团", USCCS[0])
    with pytest.raises(Conflict) as err:
        org.create_company(admin.id, "另一家", USCCS[0])
    assert err.value.code == "COMPANY_EXISTS"
    with pytest.raises(Unprocessable) as err:
        org.create_company(admin.id, "坏代码", "91440300279569123X")
    assert err.value.code == "USCC_INVALID"


def test_project_creator_is_admin_and_the_contractor_participates(ctx):
    admin = make_user()
    project = make_project(admin)
    assert roles_of(admin.id, project.id) == {Role.PROJECT_ADMIN.value}
    link = db.session.execute(select(ProjectCompany).where(ProjectCompany.project_id == project.id)).scalar_one()
    assert link.role == ParticipantRole.GENERAL_CONTRACTOR.value
    # the wage account is kept encrypted and shown masked
    assert project.wage_account_no_masked == "6222***********3445"
    assert pii.decrypt_str(project.wage_account_no_enc, context=org.wage_account_context(project)) == "6222020200112233445"


def test_only_the_admin_updates_and_outsiders_learn_nothing(ctx):
    admin, worker, outsider = make_user(), make_user(), make_user()
    project = make_project(admin)
    add_member(project, worker, Role.WORKER, make_team(admin, project))
    assert org.update_project(admin.id, project.id, {"name": " 新名称 "}).name == "新名称"
    with pytest.raises(Forbidden):
        org.update_project(worker.id, project.id, {"name": "工人改名"})
    with pytest.raises(ProjectNotFound):
        org.get_project(outsider.id, project.id)
    with pytest.raises(ProjectNotFound):
        org.get_project(admin.id, project.id + 1000)


def test_team_leader_gets_the_role_for_that_team_and_sees_only_it(ctx):
    admin, leader = make_user(), make_user()
    project = make_project(admin)
    team = make_team(admin, project, leader=leader)
    make_team(admin, project, name="木工班")
    assert roles_of(leader.id, project.id) == {Role.TEAM_LEADER.value}
    assert [t.id for t in org.teams(leader.id, project.id).items] == [team.id]
    assert len(org.teams(admin.id, project.id).items) == 2
    with pytest.raises(Conflict):
        make_team(admin, project, name=team.name)


def test_joining_waits_for_review_and_twice_is_once(ctx):
    admin, worker = make_user(), make_user()
    project = make_project(admin, join_code="JOIN42")
    team = make_team(admin, project)
    first, joined = org.join_project(worker.id, " join42 ", team.id)
    assert joined.id == project.id and first.status == MembershipStatus.PENDING.value
    again, _ = org.join_project(worker.id, "JOIN42", None)
    assert again.id == first.id and again.team_id == team.id
    other = make_project(admin, company=make_company(admin, USCCS[1]), join_code="OTHER1")
    with pytest.raises(Unprocessable):
        org.join_project(worker.id, "OTHER1", team.id)
    assert other.id != project.id
