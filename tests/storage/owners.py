"""One row of each table whose signature, seal or photo issues 26/27 kept as AES-GCM text in the
database, made directly (no route): what `storage migrate` and the column drop are tested on."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image
from sqlalchemy import select

from models import Consent, Contract, ContractAmendment, IdentityVerification, ProjectCompany, Role, db
from tests.factories import add_member, make_project, make_team, make_user

# (table, old column, reference column): services/storage/legacy.LEGACY's rows for issues 26/27
MOVED = (
    ("contracts", "employer_signature_enc", "employer_signature_object_id"),
    ("contract_amendments", "signature_enc", "signature_object_id"),
    ("contract_amendments", "employer_signature_enc", "employer_signature_object_id"),
    ("companies", "seal_enc", "seal_object_id"),
    ("identity_verifications", "document_photo_enc", "document_photo_object_id"),
    ("consents", "form_photo_enc", "form_photo_object_id"),
)
PNG_MARKERS = (b"\x89PNG", b"IHDR", b"IDAT", b"IEND")
JPEG_MARKERS = (b"\xff\xd8\xff", b"JFIF", b"Exif")


def image(kind: str = "PNG", color: str = "white", size: tuple[int, int] = (64, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


def owner_rows() -> dict[str, int]:
    """Ids of a contract, an amendment of it, its employer company, an on-site verification and a paper
    consent (flushed, not committed); ``labour``: a labour manager of the project, who may see the card."""
    admin, labour, worker = make_user(), make_user(), make_user()
    project = make_project(admin)
    team = make_team(admin, project)
    add_member(project, labour, Role.LABOUR_MANAGER)
    membership = add_member(project, worker, Role.WORKER, team)
    company_id = db.session.execute(select(ProjectCompany.company_id).where(
        ProjectCompany.project_id == project.id)).scalars().first()
    contract = Contract(project_id=project.id, user_id=worker.id, membership_id=membership.id, team_id=team.id,
                        title="建筑工人简易劳动合同", body_enc="v1.t1.x", employer_name="测试建设集团",
                        worker_name_masked="张*", trade="钢筋工", wage_type="day", wage_amount_fen=36000, pay_day=15,
                        term_start=date(2026, 12, 1), employer_company_id=company_id, status="signed")
    db.session.add(contract)
    db.session.flush()
    amendment = ContractAmendment(contract_id=contract.id, project_id=project.id, user_id=worker.id,
                                  employer_company_id=company_id, title="变更协议", body_enc="v1.t1.x",
                                  wage_type="day", wage_amount_fen=40000, pay_day=15,
                                  effective_from=date(2027, 1, 1), created_by=admin.id)
    verification = IdentityVerification(user_id=worker.id, project_id=project.id, method="on_site",
                                        status="verified", id_number_bidx="0" * 64, verified_by=labour.id)
    consent = Consent(user_id=worker.id, kind="privacy_policy", version="v1", method="paper", recorded_by=labour.id)
    db.session.add_all([amendment, verification, consent])
    db.session.flush()
    return {"contracts": contract.id, "contract_amendments": amendment.id, "companies": company_id,
            "identity_verifications": verification.id, "consents": consent.id, "project": project.id,
            "labour": labour.id}
