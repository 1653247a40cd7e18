"""Who the workers are, as attendance shows them: masked names, team membership."""

from __future__ import annotations

from sqlalchemy import select

from models import Membership, MembershipStatus, Role, User, WorkerProfile, db


def mask_name(name: str | None) -> str:
    if not name:
        return "未实名"
    return name[0] + "*" * max(len(name) - 1, 1)


def masked_names(user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    # the real name's mask from the enrollment profile; the WeChat nickname, masked, before that
    rows = db.session.execute(select(User.id, User.display_name, WorkerProfile.name_masked).outerjoin(
        WorkerProfile, WorkerProfile.user_id == User.id).where(User.id.in_(user_ids)))
    return {uid: masked or mask_name(nickname) for uid, nickname, masked in rows}


def team_workers(team_id: int) -> list[Membership]:
    """The team's approved workers (applicants are not at work yet; those who left are gone)."""
    return list(db.session.execute(select(Membership).where(
        Membership.team_id == team_id, Membership.role == Role.WORKER.value,
        Membership.status == MembershipStatus.ACTIVE.value).order_by(Membership.user_id)).scalars())
