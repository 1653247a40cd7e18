"""The deployment's personal-information protection impact assessment for face processing, and the
number of people whose face templates are stored.

个人信息保护法 第五十五条: an impact assessment is made beforehand when processing sensitive personal
information (a face is biometric: 第二十八条); 第五十六条: it covers "（一）个人信息的处理目的、处理方式等
是否合法、正当、必要；（二）对个人权益的影响及安全风险；（三）所采取的保护措施是否合法、有效并与风险程度相适应",
and "个人信息保护影响评估报告和处理情况记录应当至少保存三年". 《人脸识别技术应用安全管理办法》 (2025) asks
for the same assessment before face recognition is used, and for filing with the provincial cyberspace
administration within 30 working days once the face information stored reaches 100,000 people
(the article numbers could not be checked against the published text while writing this).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from models import ImpactAssessment, db
from models.faces import FaceTemplate, TemplateStatus
from services import audit

FILING_THRESHOLD = 100_000  # people whose face information is stored


@dataclass(frozen=True)
class AssessmentInput:
    purpose: str
    necessity: str
    measures: str
    assessed_on: date
    assessed_by: str


def record_assessment(data: AssessmentInput, *, actor_user_id: int | None = None) -> ImpactAssessment:
    """A new assessment; earlier ones are kept (the newest is current)."""
    row = ImpactAssessment(purpose=data.purpose.strip(), necessity=data.necessity.strip(),
                           measures=data.measures.strip(), assessed_on=data.assessed_on,
                           assessed_by=data.assessed_by.strip())
    db.session.add(row)
    db.session.flush()
    audit.record("privacy.impact_assessment_recorded", actor_user_id=actor_user_id, object_type="impact_assessment",
                 object_id=row.id, details={"assessed_on": data.assessed_on.isoformat(),
                                            "assessed_by": row.assessed_by})
    return row


def current_assessment() -> ImpactAssessment | None:
    return db.session.execute(select(ImpactAssessment).where(ImpactAssessment.subject == "face_processing")
                              .order_by(ImpactAssessment.id.desc()).limit(1)).scalar_one_or_none()


def people_with_templates() -> int:
    """Deployment-wide: everyone whose face template is stored, whichever project."""
    return int(db.session.execute(select(func.count(func.distinct(FaceTemplate.user_id))).where(
        FaceTemplate.status == TemplateStatus.ACTIVE.value)).scalar_one())


def face_processing_summary() -> dict[str, Any]:
    """For the admin dashboard: the assessment on record and the filing threshold."""
    row = current_assessment()
    people = people_with_templates()
    return {
        "impact_assessment": None if row is None else {
            "purpose": row.purpose, "necessity": row.necessity, "measures": row.measures,
            "assessed_on": row.assessed_on.isoformat(), "assessed_by": row.assessed_by,
            "recorded_at": row.recorded_at.isoformat()},
        "people_with_face_templates": people,
        "filing_threshold": FILING_THRESHOLD,
        "filing_required": people >= FILING_THRESHOLD,
    }
