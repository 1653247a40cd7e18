"""Tables. Data and small invariants only: no HTTP, no queues."""

from flask_sqlalchemy import SQLAlchemy

from models.base import Base
from models.pool import ReadSession

db = SQLAlchemy(model_class=Base, session_options={"class_": ReadSession})

from models.attendance import (  # noqa: E402, F401
    AttendanceDay,
    AttendanceMonthLock,
    AttendanceRules,
    Clock,
    DayCorrection,
    Dispute,
)
from models.audit import AuditEntry, AuditHead  # noqa: E402
from models.auth import Consent, User  # noqa: E402
from models.contracts import (  # noqa: E402, F401
    Contract,
    ContractAmendment,
    ContractKind,
    ContractKindReason,
    ContractStatus,
    ContractTemplate,
)
from models.enrollment import (  # noqa: E402, F401
    BankCardRefusal,
    EnrollmentDecision,
    EnrollmentRules,
    Training,
    WorkerProfile,
)
from models.face_approvals import FaceReenrollment  # noqa: E402, F401
from models.faces import FaceChallenge, FaceCheck, FaceEvidence, FaceTemplate  # noqa: E402, F401
from models.idempotency import IdempotencyRecord  # noqa: E402
from models.identity import ClaimCode, IdentityVerification, ImpactAssessment  # noqa: E402, F401
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
from models.oversight import (  # noqa: E402, F401
    DashboardLinkUse,
    Finding,
    ListEntry,
    NoticeBoard,
    PushEvent,
    Regulator,
    RiskWarning,
    WageDeposit,
    WarningThresholds,
)
from models.payroll import (  # noqa: E402, F401
    Payroll,
    PayrollDeduction,
    PayrollDeferral,
    PayrollLine,
    PayrollPayment,
    PayrollRules,
    PayslipSubscription,
    PieceWork,
)
from models.storage import IssuedDocument, StoredObject  # noqa: E402, F401

__all__ = [
    "db", "Base", "AuditEntry", "AuditHead", "Consent", "User", "IdempotencyRecord",
    "Company", "Membership", "MembershipStatus", "ParticipantRole", "Project", "ProjectCompany",
    "Role", "Team", "Invitation",
]
