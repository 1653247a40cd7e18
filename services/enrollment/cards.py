"""One bank card, one payee (issue 23): a card already on another worker's profile is refused, found
through its blind index (never by decrypting every card), and the refusal is kept for the labour
manager's review even though the refused request changes nothing.

《保障农民工工资支付条例》第三十一条: "施工总承包单位……通过农民工工资专用账户直接将工资支付到农民工本人的银行账户"
(services/payroll/order.py quotes it whole); a card shared by several workers is how ghost workers are paid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from models import BankCardRefusal, WorkerProfile, db
from services import audit, pii
from services.enrollment.fields import field_context
from services.errors import Conflict

CARD_INDEX_KIND = "bank_card"


def card_index(card: str) -> str:
    return pii.blind_index(card, kind=CARD_INDEX_KIND)


def card_holder_check(user_id: int, card: str | None) -> str | None:
    """The card's blind index, or 409 BANK_CARD_IN_USE when another worker's profile holds it."""
    if not card:
        return None
    bidx = card_index(card)
    holder = db.session.execute(select(WorkerProfile.user_id).where(WorkerProfile.bank_card_bidx == bidx)
                                ).scalar_one_or_none()
    if holder is not None and holder != user_id:
        raise Conflict("BANK_CARD_IN_USE", details={"bank_card_last4": card[-4:]},
                       after_rollback=lambda: record_card_refusal(user_id, holder, card[-4:]))
    return bidx


def record_card_refusal(user_id: int, holder_user_id: int, last4: str) -> None:
    """Kept although the refused request changed nothing: both workers are flagged for review."""
    db.session.add(BankCardRefusal(user_id=user_id, holder_user_id=holder_user_id, bank_card_last4=last4))
    audit.record("enrollment.bank_card_refused", actor_user_id=user_id, object_type="user", object_id=user_id,
                 details={"holder_user_id": holder_user_id, "bank_card_last4": last4})
    db.session.flush()


def card_flags(user_id: int) -> list[str]:
    """BANK_CARD_SHARED: this worker typed another worker's card, or their card was typed by another."""
    shared = db.session.execute(select(BankCardRefusal.id).where(or_(
        BankCardRefusal.user_id == user_id, BankCardRefusal.holder_user_id == user_id)).limit(1)).first()
    return ["BANK_CARD_SHARED"] if shared is not None else []


@dataclass
class Backfill:
    indexed: int = 0
    shared: list[tuple[int, int]] = field(default_factory=list)  # (user, holder): left unindexed, flagged
    last_id: int = 0


def backfill_card_index(size: int = 500, progress: Callable[[int], None] | None = None) -> Backfill:
    """Profiles saved before the index existed get it, in batches that each commit (resumable: only rows
    without an index are read). A card another profile holds already is not indexed (the index is
    unique) but recorded as a refusal, so both workers show BANK_CARD_SHARED in review."""
    result = Backfill()
    while True:
        rows = db.session.execute(select(WorkerProfile).where(
            WorkerProfile.bank_card_bidx.is_(None), WorkerProfile.bank_card_enc.is_not(None),
            WorkerProfile.id > result.last_id).order_by(WorkerProfile.id).limit(size)).scalars().all()
        if not rows:
            return result
        for profile in rows:
            card = pii.decrypt_str(profile.bank_card_enc or "", context=field_context("bank_card", profile.id))
            bidx = card_index(card)
            holder = db.session.execute(select(WorkerProfile.user_id).where(
                WorkerProfile.bank_card_bidx == bidx)).scalar_one_or_none()
            if holder is not None and holder != profile.user_id:
                record_card_refusal(profile.user_id, holder, card[-4:])
                result.shared.append((profile.user_id, holder))
            else:
                profile.bank_card_bidx = bidx
                db.session.flush()
                result.indexed += 1
        result.last_id = rows[-1].id
        audit.record("enrollment.card_index_backfilled", actor_user_id=None, object_type="worker_profile",
                     object_id=result.last_id, details={"batch": len(rows)})
        db.session.commit()
        if progress is not None:
            progress(len(rows))
