"""A signed 变更协议 changes the wage from its effective date on (《劳动合同法》第三十五条); the days before it
are paid at the old rate, and an amendment not yet signed by both changes nothing."""

from __future__ import annotations

from sqlalchemy import select, update

from models import Contract, ContractAmendment, db
from tests.payroll.conftest import PayrollSite, confirm
from tests.payroll.test_drafts import build, lines_by_user


def _amend(site: PayrollSite, who: str, day: int, wage_fen: int, status: str = "signed") -> None:
    contract = db.session.execute(select(Contract).where(Contract.user_id == site.users[who])).scalar_one()
    db.session.add(ContractAmendment(
        contract_id=contract.id, project_id=site.project_id, user_id=contract.user_id, status=status,
        title="变更协议", body_enc="", wage_type="day", wage_amount_fen=wage_fen, pay_day=15,
        effective_from=site.day(day), created_by=site.users["labour"]))


def test_a_signed_raise_pays_the_days_from_its_date(app, client, psite) -> None:
    s = psite
    with app.app_context():
        _amend(s, "w1", 16, 40000)  # mid-month: 36000 before the 16th, 40000 from it
        _amend(s, "w1", 25, 50000, status="worker_signed")  # the employer has not signed: not in force
        _amend(s, "w2", 1, 33000)  # the whole month
        db.session.commit()
    confirm(client, s, s.day(10), w1=("present", 480), w2=("present", 480))
    confirm(client, s, s.day(20), w1=("present", 480), w2=("present", 480))
    confirm(client, s, s.day(26), w1=("present", 600))  # 120 minutes of overtime at the new rate
    resp = build(client, s)
    assert resp.status_code in (200, 201), resp.get_json()
    lines = lines_by_user(client, s, resp.get_json()["id"])
    w1, w2 = lines[s.users["w1"]], lines[s.users["w2"]]
    assert (w1["base_fen"], w1["overtime_fen"], w1["rate_fen"]) == (36000 + 40000 + 40000, 15000, 40000)
    assert (w2["base_fen"], w2["overtime_fen"], w2["rate_fen"]) == (2 * 33000, 0, 33000)


def test_a_signed_amendment_moves_the_pay_day(app, psite) -> None:
    """The pay day agreed last counts (the contracts say the 15th; a signed 变更协议 of w1 says the 10th)."""
    from services.payroll.payday import project_pay_days

    with app.app_context():
        assert project_pay_days([psite.project_id]) == {psite.project_id: 15}
        _amend(psite, "w1", 1, 36000, status="worker_signed")
        db.session.flush()
        db.session.execute(update(ContractAmendment).values(pay_day=10))
        assert project_pay_days([psite.project_id]) == {psite.project_id: 15}  # one party only: no change
        db.session.execute(update(ContractAmendment).values(status="signed"))
        assert project_pay_days([psite.project_id]) == {psite.project_id: 10}
        db.session.rollback()
