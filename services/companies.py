"""Who may see a company, who may name it in a project, and the operator's verification."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from models import Company, Membership, MembershipStatus, ProjectCompany, Role, db
from models.base import utcnow
from services import audit, pii
from services.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.storage import objects

# 《劳动合同法》第十七条（一）: 用人单位的名称、住所和法定代表人或者主要负责人; the model adds 电话
PARTICULARS = ("legal_representative", "address", "phone")


def get_company(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None:
        raise NotFound("COMPANY_NOT_FOUND")
    return company


def _involved_in_my_projects(actor_id: int, company_id: int) -> bool:
    return db.session.execute(
        select(ProjectCompany.id)
        .join(Membership, Membership.project_id == ProjectCompany.project_id)
        .where(ProjectCompany.company_id == company_id, Membership.user_id == actor_id,
               Membership.status == MembershipStatus.ACTIVE.value).limit(1)
    ).first() is not None


def read_company(actor_id: int, company_id: int) -> Company:
    """Its registrant and the members of projects it takes part in; to anyone else it does not exist."""
    company = db.session.get(Company, company_id)
    if company is None or not (company.created_by == actor_id or _involved_in_my_projects(actor_id, company.id)):
        raise NotFound("COMPANY_NOT_FOUND")
    return company


def linkable_company(actor_id: int, company_id: int) -> Company:
    """A project may name a company its creator can read, or a verified one (real, checked):
    naming a stranger's unverified claim would be a way to read it."""
    company = db.session.get(Company, company_id)
    if company is not None and company.verified:
        return company
    return read_company(actor_id, company_id)


def verify_company(company_id: int) -> Company:
    """Operator's check done (营业执照 against the registry): this claim is the company."""
    company = get_company(company_id)
    other = db.session.execute(select(Company.id).where(
        Company.uscc == company.uscc, Company.verified.is_(True), Company.id != company.id)).first()
    if other:
        raise Conflict("COMPANY_EXISTS", "该统一社会信用代码的企业已有认证记录", {"company_id": other[0]})
    if not company.verified:
        company.verified, company.verified_at = True, utcnow()
        db.session.flush()
        audit.record("company.verified", actor_user_id=None, object_type="company", object_id=company.id,
                     details={"uscc": company.uscc})
    return company


def _project_admin_where_involved(actor_id: int, company_id: int) -> bool:
    return db.session.execute(
        select(ProjectCompany.id)
        .join(Membership, Membership.project_id == ProjectCompany.project_id)
        .where(ProjectCompany.company_id == company_id, Membership.user_id == actor_id,
               Membership.role == Role.PROJECT_ADMIN.value,
               Membership.status == MembershipStatus.ACTIVE.value).limit(1)
    ).first() is not None


def _managed_company(actor_id: int, company_id: int) -> Company:
    """Its registrant, or a project admin of a project it takes part in, may set what its contracts show."""
    company = read_company(actor_id, company_id)
    if company.created_by != actor_id and not _project_admin_where_involved(actor_id, company.id):
        raise Forbidden()
    return company


def update_particulars(actor_id: int, company_id: int, changes: dict[str, str]) -> Company:
    """甲方's particulars for its contracts (《劳动合同法》第十七条（一）)."""
    company = _managed_company(actor_id, company_id)
    before = {k: getattr(company, k) for k in PARTICULARS}
    for key in PARTICULARS:
        if key in changes:
            setattr(company, key, changes[key].strip() if changes[key] else None)
    db.session.flush()
    audit.record("company.particulars_updated", actor_user_id=actor_id, object_type="company",
                 object_id=company.id, details={"changed": sorted(k for k in PARTICULARS
                                                                  if getattr(company, k) != before[k])})
    return company


def missing_particulars(company: Company) -> list[str]:
    return [k for k in PARTICULARS if not (getattr(company, k) or "").strip()]


def require_particulars(company: Company) -> None:
    """A contract cannot name an employer whose particulars are incomplete (422 listing them)."""
    if missing := missing_particulars(company):
        raise Unprocessable("EMPLOYER_PARTICULARS_INCOMPLETE", details={
            "company_id": company.id, "company_name": company.name, "missing": missing})


def _seal_context(company_id: int) -> str:
    # the associated data the column companies.seal_enc had, kept by its objects (services/storage/legacy.py)
    return pii.row_context("companies", "seal_enc", company_id)


def set_seal(actor_id: int, company_id: int, png: bytes) -> Company:
    """Register the company's e-seal image (the caller checked it is a PNG); its signatories may apply it
    instead of a handwritten name (《劳动合同法》第十六条: 签字或者盖章). Encrypted in the object store; a seal
    registered again replaces the old one, whose object goes after the commit."""
    company = _managed_company(actor_id, company_id)
    objects.replace(company, "seal_object_id", png, context=_seal_context(company.id), content_type="image/png")
    company.seal_sha256 = hashlib.sha256(png).hexdigest()
    audit.record("company.seal_registered", actor_user_id=actor_id, object_type="company", object_id=company.id,
                 details={"sha256": company.seal_sha256})
    return company


def seal_png(company: Company) -> bytes | None:
    return objects.read(company.seal_object_id)
