"""What every warning rule shares: thresholds, the hit a rule reports, the batch it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from models import db
from models.oversight import WarningThresholds

# every threshold a project may change (PUT /projects/{pid}/warning-thresholds)
DEFAULTS: dict[str, float] = {
    "hop_window_days": 90,  # TEAM_HOPPING: distinct teams a worker clocked for in the window
    "hop_teams": 3,
    "absence_days": 7,  # LONG_ABSENCE: an active worker not seen on site for this many days
    "onboarding_window_days": 30,  # NO_CONTRACT_OR_TRAINING: days worked without either
    "fraud_window_days": 30,  # FRAUD_FLAGS: anti-fraud flags on a worker's clocks
    "fraud_flags": 3,
    "corrections_window_days": 30,  # LEADER_CORRECTIONS: a leader's corrections per day confirmed
    "corrections_min": 5,
    "corrections_factor": 3,  # ... times the median of the other leaders
    "face_window_days": 30,  # SHARED_FACE: accounts whose selfies matched one person's template
    "face_accounts": 2,
    "unpaid_grace_days": 0,  # UNPAID_PAST_PAY_DAY: days after the pay day before warning
    "deposit_margin_pct": 0,  # PAYROLL_ABOVE_DEPOSITS: payroll may exceed deposits by this much
}

# rule -> (weight in the risk score, Chinese title)
RULES: dict[str, tuple[int, str]] = {
    "TEAM_HOPPING": (2, "工人频繁更换班组或项目"),
    "LONG_ABSENCE": (1, "工人长期无故缺勤"),
    "UNPAID_PAST_PAY_DAY": (5, "已出勤但超过发薪日未发工资"),
    "PAYROLL_ABOVE_DEPOSITS": (5, "工资总额超过工资专户存入"),
    "SETTLEMENT_OVERDUE": (5, "退场工人的结算工资超过期限未发"),
    "SLIP_RELEASED": (1, "工资条未经工人确认即放行发放"),
    "NO_CONTRACT_OR_TRAINING": (3, "未签合同或未完成安全教育即出勤"),
    "FRAUD_FLAGS": (3, "考勤防作弊标记累积"),
    "LEADER_CORRECTIONS": (3, "班组长更正考勤次数远高于同行"),
    "SHARED_FACE": (4, "同一人脸模板被多个账号匹配"),
}

# anti-fraud flags (services/attendance/reasons.py); witnessed or late clocks are not fraud
FRAUD_FLAG_CODES = ("ZERO_COORDINATES", "REPEATED_COORDINATES", "IMPOSSIBLE_SPEED", "BUDDY_PUNCH",
                    "SHARED_DEVICE", "LOW_ACCURACY")


@dataclass(frozen=True)
class Hit:
    project_id: int
    rule: str
    subject_key: str
    since: date
    evidence: dict[str, Any]


@dataclass
class Batch:
    """The projects one run looks at, on one business day, with their thresholds."""

    project_ids: list[int]
    today: date
    thresholds: dict[int, dict[str, float]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # what several rules read (one scan of the days)

    def t(self, project_id: int, key: str) -> float:
        return self.thresholds.get(project_id, DEFAULTS)[key]

    def widest(self, key: str) -> int:
        return int(max((self.t(p, key) for p in self.project_ids), default=DEFAULTS[key]))

    def start(self, key: str) -> date:
        return self.today - timedelta(days=self.widest(key))

    def start_at(self, key: str) -> datetime:
        from services.days import SITE_TZ

        d = self.start(key)
        return datetime(d.year, d.month, d.day, tzinfo=SITE_TZ)

    def within(self, project_id: int, key: str, day: date) -> bool:
        return day >= self.today - timedelta(days=int(self.t(project_id, key)))


Rule = Callable[[Batch], list[Hit]]


def thresholds_for(project_ids: list[int]) -> dict[int, dict[str, float]]:
    rows = db.session.execute(select(WarningThresholds).where(WarningThresholds.project_id.in_(project_ids)))
    out = {p: dict(DEFAULTS) for p in project_ids}
    for row in rows.scalars():
        out[row.project_id].update({k: v for k, v in (row.values or {}).items() if k in DEFAULTS})
    return out
