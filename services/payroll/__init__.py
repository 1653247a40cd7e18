"""Payroll (issue 18): wage rules, monthly drafts with blockers, maker-checker approval, the bank
batch and its results, pay slips signed in the app, the wage sheet, WeChat notices.

rules.py (pure arithmetic, the rounding rule) · build.py (drafts) · approval.py (maker-checker)
· inputs.py (deductions, piece work, overtime rule) · bank.py · slips.py · sheets.py · notify.py
"""
