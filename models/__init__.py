"""Tables. Data and small invariants only: no HTTP, no queues."""

from flask_sqlalchemy import SQLAlchemy

from models.base import Base

db = SQLAlchemy(model_class=Base)

from models.audit import AuditEntry, AuditHead  # noqa: E402
from models.auth import Consent, User  # noqa: E402
from models.face_approvals import FaceReenrollment  # noqa: E402, F401
from models.faces import FaceChallenge, FaceCheck, FaceEvidence, FaceTemplate  # noqa: E402, F401
from models.idempotency import IdempotencyRecord  # noqa: E402
from models.invitations import Invitation  # noqa: E402
from models.org import (  # noqa: E402
    Company,
    Membership,
    MembershipStatus,
    ParticipantRole,
    Project,
    ProjectCompany,
    Role,
    Team,
)

__all__ = [
    "db", "Base", "AuditEntry", "AuditHead", "Consent", "User", "IdempotencyRecord",
    "Company", "Membership", "MembershipStatus", "ParticipantRole", "Project", "ProjectCompany",
    "Role", "Team", "Invitation",
]
