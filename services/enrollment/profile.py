"""The worker's real-name profile (实名登记): validated, encrypted, masked, audited on every clear read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from models import Membership, MembershipStatus, Role, User, WorkerProfile, db
from models.base import utcnow
from services import audit, pii
from services.authz import Action, authorize, memberships_in, refuse_own
from services.consents import require_consent
from services.days import business_day
from services.enrollment import identity
from services.enrollment.cards import card_holder_check
from services.enrollment.fields import field_context
from services.enrollment.identity import FieldProblem, InvalidField
from services.enrollment.trades import canonical
from services.errors import Conflict, NotFound, Unprocessable
from services.id_types import RESIDENT_ID, blind_index_kind
from services.platform_push.dictionaries import load


@dataclass(frozen=True)
class ProfileInput:
    name: str
    id_number: str
    trade: str
    phone: str | None = None
    bank_card: str | None = None
    bank_name: str | None = None
    emergency_contact: dict[str, str] | None = None
    address: str | None = None
    draws_pension: bool = False
    id_type: str = RESIDENT_ID  # the platform's 证件类型 code (services/id_types.py)
    birth_date: date | None = None  # required where the number does not carry it
    sex: str | None = None  # likewise
    # --- fields the national platform needs (issue 29); None leaves a stored value as it is
    nation: str | None = None
    culture_level: str | None = None
    political_status: str | None = None
    id_issuer: str | None = None
    id_valid_from: date | None = None
    id_valid_to: str | None = None


# profile field -> the platform dictionary its code must come from
PLATFORM_CODES = {"nation": "nation", "culture_level": "culture_level_type", "political_status": "politics_type"}
PLATFORM_FIELDS = (*PLATFORM_CODES, "id_issuer", "id_valid_from", "id_valid_to")


def platform_missing(profile: WorkerProfile) -> list[str]:
    """The platform's fields this profile still lacks (the address is issue 26's, read through its seam)."""
    missing = [f for f in PLATFORM_FIELDS if getattr(profile, f) in (None, "")]
    if hasattr(profile, "address_enc") and not profile.address_enc:
        missing.insert(0, "address")
    return missing


_context = field_context


def _encrypt(value: str, field: str, profile_id: int) -> str:
    return pii.encrypt_str(value, context=_context(field, profile_id))


def find_profile(user_id: int) -> WorkerProfile | None:
    return db.session.execute(select(WorkerProfile).where(WorkerProfile.user_id == user_id)).scalar_one_or_none()


def get_profile(user_id: int) -> WorkerProfile:
    profile = find_profile(user_id)
    if profile is None:
        raise NotFound("PROFILE_NOT_FOUND")
    return profile


def _field_errors(problems: list[FieldProblem]) -> Unprocessable:
    first = problems[0]
    code = first.type if first.type.startswith("AGE_") else "VALIDATION_FAILED"
    return Unprocessable(code, first.message, {"fields": [
        {"loc": p.field, "type": p.type, "msg": p.message} for p in problems]})


def _checked(data: ProfileInput, user: User, today: date, on_site: bool = False) -> tuple[identity.IdentityNumber, str | None,
                                                                   str | None, dict[str, str] | None]:
    problems: list[FieldProblem] = []
    ident = phone = card = None
    contact = None
    name = data.name.strip()
    if not 2 <= len(name) <= 30 or not identity.is_person_name(name):
        problems.append(FieldProblem("name", "name_invalid", "姓名应为2到30个汉字，少数民族姓名可用间隔号“·”"))
    try:
        ident = identity.parse_id_number(data.id_number, today=today, id_type=data.id_type,
                                         birth_date=data.birth_date, sex=data.sex)
        if (too_young := identity.check_working_age(ident.birth_date, today)) is not None:
            problems.insert(0, too_young)
    except InvalidField as exc:
        problems.append(exc.problem)
    if not data.phone and user.phone_enc is None and not on_site:
        problems.append(FieldProblem("phone", "missing", "请填写手机号或先绑定微信手机号"))
    if data.bank_card and not (data.bank_name or "").strip():
        problems.append(FieldProblem("bank_name", "missing", "请填写开户银行"))
    elif data.bank_name and not identity.is_bank_name(data.bank_name.strip()):
        problems.append(FieldProblem("bank_name", "bank_name_invalid", "开户银行应为银行名称（汉字、字母、数字、括号）"))
    for field, value, normalize in (("phone", data.phone, identity.normalize_mobile),
                                    ("bank_card", data.bank_card, identity.normalize_bank_card)):
        try:
            normalized = normalize(value) if value else None
        except InvalidField as exc:
            problems.append(exc.problem)
            continue
        if field == "phone":
            phone = normalized
        else:
            card = normalized
    if canonical(data.trade) is None:
        problems.append(FieldProblem("trade", "trade_unknown", "工种不在工种目录中，请从列表选择"))
    for field, dictionary in PLATFORM_CODES.items():
        value = getattr(data, field)
        if value is not None and value not in load(dictionary).codes:
            problems.append(FieldProblem(field, "code_unknown", f"{load(dictionary).title}代码不在代码表中"))
    if data.emergency_contact:
        try:
            contact = {"name": data.emergency_contact["name"].strip(),
                       "phone": identity.normalize_mobile(data.emergency_contact["phone"],
                                                          "emergency_contact.phone")}
            # the model contract's 紧急联系人 block also names their 联系地址 and 与劳动者关系
            contact.update({k: data.emergency_contact[k].strip() for k in ("address", "relationship")
                            if data.emergency_contact.get(k)})
        except InvalidField as exc:
            problems.append(exc.problem)
    if problems:
        raise _field_errors(problems)
    assert ident is not None
    return ident, phone, card, contact


def save_profile(actor_id: int, data: ProfileInput) -> WorkerProfile:
    """Create or correct the caller's own profile. The ID number may belong to one account only."""
    user = db.session.get(User, actor_id)
    assert user is not None  # the signed-in caller
    require_consent(actor_id, "privacy_policy")
    if data.bank_card:
        require_consent(actor_id, "financial")
    return store_profile(actor_id, user, data)


def id_blind_index(id_type: str, number: str) -> str:
    """Unique per document type and number (services/id_types.py)."""
    return pii.blind_index(number, kind=blind_index_kind(id_type))


def store_profile(actor_id: int, user: User, data: ProfileInput, *, on_site: bool = False) -> WorkerProfile:
    """Validate and store ``user``'s profile; ``actor_id`` is who typed it (the worker, or the labour
    manager enrolling a worker without a phone: ``on_site``, where no phone number is required)."""
    ident, phone, card, contact = _checked(data, user, business_day(), on_site)
    bidx = id_blind_index(data.id_type, ident.number)
    holder = db.session.execute(select(WorkerProfile.user_id).where(WorkerProfile.id_number_bidx == bidx)
                                ).scalar_one_or_none()
    if holder is not None and holder != user.id:
        raise Conflict("ID_NUMBER_IN_USE", after_rollback=lambda: audit.record(  # kept: the request is undone
            "profile.duplicate_id_refused", actor_user_id=actor_id, object_type="user", object_id=user.id,
            details={"other_user_id": holder}))
    card_bidx = card_holder_check(user.id, card)
    name = data.name.strip()
    profile = find_profile(user.id)
    created = profile is None
    if profile is not None and _reviewed(user.id) and (profile.id_number_bidx != bidx or _name_of(profile) != name):
        # the identity a labour manager approved (and a contract and the bank file name) is corrected
        # by the labour manager only (correct_real_name, audited)
        raise Conflict("PROFILE_LOCKED", details={"field": "id_number" if profile.id_number_bidx != bidx else "name"})
    if profile is None:
        # ciphertexts are bound to the row id: the row gets it first
        profile = WorkerProfile(user_id=user.id, name_enc="", name_masked="", id_number_enc="", id_number_masked="",
                                id_number_bidx=bidx, sex=ident.sex, birth_date_enc="",
                                birth_year=ident.birth_date.year, trade=data.trade)
        db.session.add(profile)
        db.session.flush()
    pid = profile.id
    profile.name_enc, profile.name_masked = _encrypt(name, "name", pid), identity.mask_name(name)
    profile.id_type = data.id_type
    profile.id_number_enc = _encrypt(ident.number, "id_number", pid)
    profile.id_number_masked = pii.mask_id_number(ident.number)
    profile.id_number_bidx = bidx
    profile.sex, profile.birth_year = ident.sex, ident.birth_date.year
    profile.birth_date_enc = _encrypt(ident.birth_date.isoformat(), "birth_date", pid)
    if phone:
        profile.phone_enc, profile.phone_masked = _encrypt(phone, "phone", pid), pii.mask_phone(phone)
    if card:
        profile.bank_card_enc, profile.bank_card_last4 = _encrypt(card, "bank_card", pid), card[-4:]
        profile.bank_card_bidx = card_bidx
        profile.bank_name = (data.bank_name or "").strip()
    if contact:
        profile.emergency_contact_enc = _encrypt(json.dumps(contact, ensure_ascii=False), "emergency_contact", pid)
        profile.emergency_contact_masked = f"{identity.mask_name(contact['name'])} {pii.mask_phone(contact['phone'])}"
    if data.address and data.address.strip():
        address = data.address.strip()
        profile.address_enc, profile.address_masked = _encrypt(address, "address", pid), mask_address(address)
    profile.draws_pension = data.draws_pension
    profile.trade = canonical(data.trade) or data.trade
    for field in PLATFORM_FIELDS:
        if getattr(data, field) is not None:
            setattr(profile, field, getattr(data, field))
    if user.display_name is None:
        user.display_name = profile.name_masked
    profile.updated_at = utcnow()
    db.session.flush()
    audit.record("profile.created" if created else "profile.updated", actor_user_id=actor_id,
                 object_type="worker_profile", object_id=profile.id,
                 details={"fields": sorted(k for k, v in vars(data).items() if v),
                          **({"subject_user_id": user.id} if actor_id != user.id else {})})
    return profile


def mask_address(address: str) -> str:
    """The first six characters (province and city, as a rule); the street stays encrypted."""
    return address[:6] + "****" if len(address) > 6 else address[:2] + "****"
def _name_of(profile: WorkerProfile) -> str:
    return pii.decrypt_str(profile.name_enc, context=field_context("name", profile.id)) if profile.name_enc else ""


def correct_real_name(actor_id: int, project_id: int, user_id: int, name: str, reason: str) -> WorkerProfile:
    """The labour manager corrects a reviewed real name, having seen the ID card on site; audited.
    Lines of payrolls already approved keep the payee they were approved with."""
    authorize(actor_id, Action.ENROLLMENT_REVIEW, project_id)
    refuse_own(actor_id, user_id, "ENROLLMENT_SELF_REVIEW")
    if not memberships_in(user_id, project_id):
        raise NotFound("MEMBER_NOT_FOUND")
    profile = get_profile(user_id)
    name = name.strip()
    if not 2 <= len(name) <= 30 or not identity.is_person_name(name):
        raise _field_errors([FieldProblem("name", "name_invalid", "姓名应为2到30个汉字，少数民族姓名可用间隔号“·”")])
    before = profile.name_masked
    profile.name_enc, profile.name_masked = _encrypt(name, "name", profile.id), identity.mask_name(name)
    profile.updated_at = utcnow()
    db.session.flush()
    audit.record("profile.name_corrected", actor_user_id=actor_id, object_type="worker_profile",
                 object_id=profile.id, details={"project_id": project_id, "user_id": user_id, "reason": reason,
                                                "from_masked": before, "to_masked": profile.name_masked})
    return profile


def _reviewed(user_id: int) -> bool:
    return db.session.execute(select(Membership.id).where(
        Membership.user_id == user_id, Membership.role == Role.WORKER.value,
        Membership.status.in_((MembershipStatus.ACTIVE.value, MembershipStatus.LEFT.value))).limit(1)
    ).first() is not None


def reveal_field(profile: WorkerProfile, field: str, *, actor_id: int, purpose: str) -> str | None:
    """Decrypt one profile field for a caller already let through; audited (services/pii.reveal)."""
    token = getattr(profile, f"{field}_enc")
    if token is None:
        return None
    return pii.reveal(token, actor_user_id=actor_id, field=field, object_type="worker_profile",
                      object_id=profile.id, purpose=purpose, context=_context(field, profile.id))


def missing_items(profile: WorkerProfile | None, user: User) -> list[str]:
    """What a profile still lacks before the labour manager may approve it."""
    if profile is None:
        return ["profile"]
    missing = []
    if profile.phone_enc is None and user.phone_enc is None:
        missing.append("phone")
    if profile.bank_card_enc is None:
        missing.append("bank_card")
    if profile.emergency_contact_enc is None:
        missing.append("emergency_contact")
    if profile.address_enc is None:  # 《劳动合同法》第十七条（二）: the contract names the worker's 住址
        missing.append("address")
    return missing


def birth_date_of(profile: WorkerProfile) -> date:
    """For the age rules: decrypted without a reveal entry, since the clear value never leaves the server."""
    return date.fromisoformat(pii.decrypt_str(profile.birth_date_enc,
                                              context=_context("birth_date", profile.id)))


def worker_profile(actor_id: int, project_id: int, user_id: int) -> WorkerProfile:
    """A worker's masked profile, for the labour manager of a project they applied to (or themselves)."""
    authorize(actor_id, Action.PROFILE_VIEW, project_id, subject_user_id=user_id)
    if not memberships_in(user_id, project_id):
        raise NotFound("MEMBER_NOT_FOUND")
    return get_profile(user_id)
