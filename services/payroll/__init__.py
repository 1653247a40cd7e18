"""Payroll (issue 18, rebuilt in the law's order by issue 25): per-employer monthly payrolls,
slips the workers confirm before submission, the general contractor's review, maker-checker
approval, the bank batch and its results, the voucher, the wage sheet and ledger, WeChat notices.

rules.py (pure arithmetic, the rounding rule, the damages limits) · employers.py (whose payroll)
· build.py (drafts) · order.py (issue slips, hold, release) · slips.py (the worker's side)
· approval.py (submit, review, approve, reject) · deductions.py (lawful kinds and limits)
· inputs.py (piece work, project rules) · payday.py (the pay day, moved before holidays)
· settlement.py (退场结算) · bank.py · voucher.py · sheets.py · ledger.py · notify.py
· documents.py (the final wage sheet and each voucher kept as issued in the object store)
"""
