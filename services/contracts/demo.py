"""Demo (``flask seed-demo``): the labour subcontractor's authorised signatory (fake:demo-signatory) signs
its company's waiting contracts in one batch, as POST /api/v1/projects/{pid}/contracts/employer-sign does."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from sqlalchemy import select

from models import Contract, ContractStatus, Membership, MembershipStatus, Role, User, db
from services.contracts.parties import employer_sign_many

SIGNATORY_OPENID = "demo-signatory"


def _scribble() -> bytes:
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 80), (70, 30), (120, 90), (170, 25), (230, 85), (300, 35), (340, 70)],
                               fill=(180, 20, 20, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def demo_batch_sign(project_id: int) -> list[int]:
    """Every contract of the signatory's company still waiting for the employer; returns the ids signed."""
    signer = db.session.execute(select(User.id).where(User.openid == SIGNATORY_OPENID)).scalar_one_or_none()
    if signer is None:
        return []
    company_id = db.session.execute(select(Membership.company_id).where(
        Membership.user_id == signer, Membership.project_id == project_id,
        Membership.role == Role.EMPLOYER_SIGNATORY.value, Membership.status == MembershipStatus.ACTIVE.value)
    ).scalar_one_or_none()
    waiting = list(db.session.execute(select(Contract.id).where(
        Contract.project_id == project_id, Contract.employer_company_id == company_id,
        Contract.employer_signed_at.is_(None),
        Contract.status.in_((ContractStatus.UNSIGNED.value, ContractStatus.SIGNING.value,
                             ContractStatus.WORKER_SIGNED.value)))).scalars())
    if company_id is None or not waiting:
        return []
    signed, _skipped = employer_sign_many(signer, project_id, waiting, _scribble())
    return [c.id for c in signed]
