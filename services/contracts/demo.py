"""Demo (``flask seed-demo``): the labour subcontractor's authorised signatory (fake:demo-signatory) signs
its company's waiting contracts in one batch, as POST /api/v1/projects/{pid}/contracts/employer-sign does
(and fake:demo-signatory-gc those of the general contractor's own team)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from sqlalchemy import select

from models import Contract, ContractStatus, Membership, MembershipStatus, Role, User, db
from services.contracts.parties import employer_sign_many

SIGNATORY_OPENID = "demo-signatory"  # and demo-signatory-gc, the general contractor's


def _scribble() -> bytes:
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 80), (70, 30), (120, 90), (170, 25), (230, 85), (300, 35), (340, 70)],
                               fill=(180, 20, 20, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def demo_batch_sign(project_id: int) -> list[int]:
    """Each employer's demo signatory signs its company's contracts still waiting for the employer, in one
    batch per company; returns the ids signed."""
    signatories = db.session.execute(select(Membership.user_id, Membership.company_id).join(
        User, User.id == Membership.user_id).where(
        User.openid.like(f"{SIGNATORY_OPENID}%"), Membership.project_id == project_id,
        Membership.role == Role.EMPLOYER_SIGNATORY.value, Membership.status == MembershipStatus.ACTIVE.value)
        .order_by(Membership.id)).all()
    done: list[int] = []
    for signer, company_id in signatories:
        waiting = list(db.session.execute(select(Contract.id).where(
            Contract.project_id == project_id, Contract.employer_company_id == company_id,
            Contract.employer_signed_at.is_(None),
            Contract.status.in_((ContractStatus.UNSIGNED.value, ContractStatus.SIGNING.value,
                                 ContractStatus.WORKER_SIGNED.value)))).scalars())
        if waiting:
            signed, _skipped = employer_sign_many(signer, project_id, waiting, _scribble())
            done += [c.id for c in signed]
    return done
