"""What a worker sees after scanning a project's code, before joining."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import Company, Project, ProjectCompany, Team, db
from services.errors import NotFound


@dataclass(frozen=True)
class JoinPreview:
    project: Project
    general_contractor: str | None
    teams: list[Team]


def preview(join_code: str) -> JoinPreview:
    """Anyone logged in who has the code may see this much: it is printed on the site gate."""
    project = db.session.execute(select(Project).where(Project.join_code == join_code.strip().upper())
                                 ).scalar_one_or_none()
    if project is None:
        raise NotFound("JOIN_CODE_INVALID")
    contractor = db.session.execute(
        select(Company.name).join(ProjectCompany, ProjectCompany.company_id == Company.id)
        .where(ProjectCompany.project_id == project.id, ProjectCompany.role == "general_contractor").limit(1)
    ).scalar_one_or_none()
    teams = list(db.session.execute(select(Team).where(Team.project_id == project.id).order_by(Team.id)).scalars())
    return JoinPreview(project, contractor, teams)
