"""Outbox events as the platform's objects (services/platform_push/wire.py, field names as in ibisTime/xn-gchf).

``build`` gathers the clear values, checks them against the method's schema (a gap or a bad code
raises ``Incomplete`` with what is missing and where to enter it), then encrypts the ID and card
numbers for the wire. Identifiers are the platform's own: the project code the admin entered,
the teamSysNo the platform answered to Team.Add.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from infra.platform_protocol import encrypt_field
from models import Company, Contract, Membership, Project, ProjectCompany, Team, User, WorkerProfile, db
from models.attendance import Clock, ClockSource
from models.faces import FaceEvidence
from models.oversight import PushEvent, PushStatus
from models.payroll import Payroll, PayrollLine
from services.days import SITE_TZ
from services.enrollment.trades import platform_code
from services.pii import decrypt_bytes, decrypt_str, row_context
from services.platform_push.dictionaries import bank_code, load
from services.platform_push.missing import Incomplete, from_validation, item
from services.platform_push.wire import ENCRYPTED, METHODS

ENTRY, EXIT = "1", "0"  # entry_exit_type: 1 进场, 0 退场
DIRECTION = {"in": "01", "out": "02"}  # dictionaries/direction.json
CHANNEL = "SiteRoll工地实名通小程序"


def id_card_type(profile: WorkerProfile) -> str:
    """The seam for issue 27's 证件类型 list: until the profile carries ``id_type``, 居民身份证."""
    return "01"


def worker_address(profile: WorkerProfile) -> str | None:
    """The seam for issue 26's profile address (``address_enc``, encrypted like every personal field)."""
    token = getattr(profile, "address_enc", None)
    return decrypt_str(token, context=row_context("worker_profiles", "address_enc", profile.id)) if token else None


def _beijing(at: datetime) -> str:
    return at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _day(at: datetime | date | None) -> str | None:
    if isinstance(at, datetime):
        return at.astimezone(SITE_TZ).date().isoformat()
    return at.isoformat() if at else None


def _dec(token: str | None, column: str, row_id: int, table: str = "worker_profiles") -> str | None:
    return decrypt_str(token, context=row_context(table, column, row_id)) if token else None


def _contractor(project_id: int) -> Company | None:
    return db.session.execute(select(Company).join(ProjectCompany, ProjectCompany.company_id == Company.id).where(
        ProjectCompany.project_id == project_id, ProjectCompany.role == "general_contractor").limit(1)
    ).scalar_one_or_none()


def _company(team: Team | None, project_id: int) -> Company | None:
    if team is not None and team.company_id:
        return db.session.get(Company, team.company_id)
    return _contractor(project_id)


def _profile(user_id: int) -> WorkerProfile | None:
    return db.session.execute(select(WorkerProfile).where(WorkerProfile.user_id == user_id)).scalar_one_or_none()


def _person(user_id: int) -> dict[str, Any]:
    """The clear facts of a worker the objects need; absent ones are None (the schema names them)."""
    p = _profile(user_id)
    if p is None:
        raise Incomplete([item("workerName"), item("idCardNumber")])
    user = db.session.get(User, user_id)
    phone = _dec(p.phone_enc, "phone_enc", p.id) or (
        _dec(user.phone_enc, "phone_enc", user.id, "users") if user is not None else None)
    return {"profile": p, "workerName": _dec(p.name_enc, "name_enc", p.id), "idCardType": id_card_type(p),
            "idCardNumber": _dec(p.id_number_enc, "id_number_enc", p.id), "cellPhone": phone,
            "payRollBankCardNumber": _dec(p.bank_card_enc, "bank_card_enc", p.id), "payRollBankName": p.bank_name}


def _team_header(project: Project, team: Team | None) -> dict[str, Any]:
    corp = _company(team, project.id)
    return {"projectCode": project.platform_code, "corpCode": corp.uscc if corp else None,
            "corpName": corp.name if corp else None, "teamSysNo": team.platform_team_sys_no if team else None}


def _worker_accepted(membership_id: int) -> None:
    """Later objects name a worker the platform knows: they wait for his ProjectWorker.Add."""
    status = db.session.execute(select(PushEvent.status).where(
        PushEvent.kind == "worker_enrolled", PushEvent.object_id == membership_id)).scalar_one_or_none()
    if status != PushStatus.ACCEPTED.value:
        raise Incomplete([item("worker", "等待进场登记被平台接受")])


def _membership_of(project_id: int, user_id: int) -> Membership | None:
    return db.session.execute(select(Membership).where(
        Membership.project_id == project_id, Membership.user_id == user_id, Membership.role == "worker")).scalar_one_or_none()


def _signed_contract(membership_id: int) -> Contract | None:
    return db.session.execute(select(Contract).where(Contract.membership_id == membership_id,
                                                     Contract.signed_at.is_not(None))
                              .order_by(Contract.signed_at.desc()).limit(1)).scalar_one_or_none()


def _photo(check_id: int | None) -> str | None:
    if check_id is None:
        return None
    token = db.session.execute(select(FaceEvidence.photo_enc).where(
        FaceEvidence.check_id == check_id, FaceEvidence.photo_enc.is_not(None)).order_by(FaceEvidence.frame_index)
        .limit(1)).scalar_one_or_none()
    if token is None:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(decrypt_bytes(token, context=f"face_evidence:{check_id}")).decode()


def voucher_of(contract: Contract | None) -> str | None:
    """The voucher of 进场/退场: the signed contract, named by its number and sealed content hash."""
    if contract is None:
        return None
    return f"SiteRoll劳动合同{contract.id}" + (f" SHA-256 {contract.content_sha256}" if contract.content_sha256 else "")


def team(team_id: int) -> dict[str, Any]:
    t = db.session.get(Team, team_id)
    out = _team_header(db.session.get(Project, t.project_id), t) | {"teamName": t.name, "entryTime": _day(t.created_at)}
    out.pop("teamSysNo")
    leader = _person(t.leader_user_id) if t.leader_user_id and _profile(t.leader_user_id) else {}
    # SiteRoll's team leader answers for the team on site: he is also its 责任人
    for prefix in ("teamLeader", "responsiblePerson"):
        out |= {f"{prefix}Name": leader.get("workerName"), f"{prefix}Phone": leader.get("cellPhone"),
                f"{prefix}IdcardType": leader.get("idCardType", "01"), f"{prefix}IdNumber": leader.get("idCardNumber")}
    return out


def project_worker(membership_id: int) -> dict[str, Any]:
    m = db.session.get(Membership, membership_id)
    t = db.session.get(Team, m.team_id) if m.team_id else None
    person = _person(m.user_id)
    p: WorkerProfile = person["profile"]
    contract = _signed_contract(m.id)
    worker = {k: person[k] for k in ("workerName", "idCardType", "idCardNumber", "cellPhone", "payRollBankCardNumber",
                                     "payRollBankName")}
    worker |= {"isTeamLeader": "1" if t is not None and t.leader_user_id == m.user_id else "0",
               "workType": platform_code(p.trade), "workRole": "20", "nation": load("nation").name_of(p.nation),
               "address": worker_address(p), "headImage": _photo(contract.signing_check_id if contract else None),
               "politicsType": p.political_status, "cultureLevelType": p.culture_level, "grantOrg": p.id_issuer,
               "startDate": _day(p.id_valid_from), "expiryDate": p.id_valid_to,
               "workDate": _day(contract.term_start if contract else None),
               "payRollTopBankCode": bank_code(p.bank_name) if p.bank_name else None}
    return _team_header(db.session.get(Project, m.project_id), t) | {"teamName": t.name if t else None,
                                                                      "workerList": [worker]}


def _entry_exit(membership_id: int, kind: str) -> dict[str, Any]:
    m = db.session.get(Membership, membership_id)
    _worker_accepted(m.id)
    t = db.session.get(Team, m.team_id) if m.team_id else None
    person = _person(m.user_id)
    contract = _signed_contract(m.id)
    if kind == ENTRY:
        on = contract.term_start if contract else None
    else:
        # the contract's termination date, else the day SiteRoll saw the membership end (the event's creation)
        on = (contract.termination_date if contract and contract.termination_date else None) or db.session.execute(
            select(PushEvent.created_at).where(PushEvent.kind == "worker_left", PushEvent.object_id == m.id)
        ).scalar_one_or_none()
    return _team_header(db.session.get(Project, m.project_id), t) | {"workerList": [{
        "idCardType": person["idCardType"], "idCardNumber": person["idCardNumber"], "date": _day(on), "type": kind,
        "voucher": voucher_of(contract)}]}


def worker_entry(membership_id: int) -> dict[str, Any]:
    return _entry_exit(membership_id, ENTRY)


def worker_exit(membership_id: int) -> dict[str, Any]:
    return _entry_exit(membership_id, EXIT)


def worker_contract(contract_id: int) -> dict[str, Any]:
    c = db.session.get(Contract, contract_id)
    _worker_accepted(c.membership_id)
    corp = _company(db.session.get(Team, c.team_id) if c.team_id else None, c.project_id)
    person = _person(c.user_id)
    # SiteRoll's contracts have no 计量单位: unit / unitPrice (optional in the standard) are not sent
    return {"projectCode": db.session.get(Project, c.project_id).platform_code, "contractList": [{
        "corpCode": corp.uscc if corp else None, "corpName": c.employer_name, "idCardType": person["idCardType"],
        "idCardNumber": person["idCardNumber"], "contractPeriodType": "0" if c.term_end else "1",
        "startDate": _day(c.term_start), "endDate": _day(c.term_end)}]}


def worker_attendance(clock_id: int) -> dict[str, Any]:
    """One decided clock, as the standard describes a passage: direction, time, image, place."""
    c = db.session.get(Clock, clock_id)
    m = _membership_of(c.project_id, c.user_id)
    if m is None:
        raise Incomplete([item("worker", "不是本项目工人")])
    _worker_accepted(m.id)
    t = db.session.get(Team, c.team_id or m.team_id) if (c.team_id or m.team_id) else None
    person = _person(c.user_id)
    face = c.source == ClockSource.FACE.value
    return {"projectCode": db.session.get(Project, c.project_id).platform_code,
            "teamSysNo": t.platform_team_sys_no if t else None, "dataList": [{
                "idCardType": person["idCardType"], "idCardNumber": person["idCardNumber"], "date": _beijing(c.taken_at),
                "direction": DIRECTION.get(c.direction), "attendType": "001" if face else "011", "channel": CHANNEL,
                "image": _photo(c.face_check_id) if face else None, "lng": f"{c.lng:.6f}", "lat": f"{c.lat:.6f}"}]}


def payroll_detail(line_id: int) -> dict[str, Any]:
    """One paid line as a Payroll with its one detail (amounts in yuan, as the platform takes them)."""
    line = db.session.get(PayrollLine, line_id)
    payroll = db.session.get(Payroll, line.payroll_id)
    project = db.session.get(Project, payroll.project_id)
    m = _membership_of(project.id, line.user_id)
    if m is not None:
        _worker_accepted(m.id)
    t = db.session.get(Team, line.team_id) if line.team_id else None
    person = _person(line.user_id)
    bank_name = line.bank_name or person["payRollBankName"]
    carried = sorted(line.carried_months or [])
    detail = {"idCardType": person["idCardType"], "idCardNumber": person["idCardNumber"],
              "days": f"{line.half_days / 2:g}", "workHours": f"{line.half_days * 4:g}",
              "payRollBankCardNumber": person["payRollBankCardNumber"], "payRollBankName": bank_name,
              "payRollBankCode": bank_code(bank_name), "payBankCardNumber": _dec(
                  project.wage_account_no_enc, "wage_account_no_enc", project.id, "projects"),
              "payBankName": project.wage_account_bank, "payBankCode": bank_code(project.wage_account_bank),
              "totalPayAmount": f"{line.gross_fen / 100:.2f}", "actualAmount": f"{line.net_fen / 100:.2f}",
              "isBackPay": "1" if carried else "0", "backPayMonth": carried[0] if carried else None,
              "balanceDate": _day(line.paid_at), "thirdPayRollCode": line.paid_ref or f"SR-PAY-{line.id}"}
    return _team_header(project, t) | {"payMonth": payroll.month, "detailList": [detail]}


BUILDERS: dict[str, Callable[[int], dict[str, Any]]] = {
    "Team.Add": team,
    "ProjectWorker.Add": project_worker,
    "WorkerEntryExit.Add": worker_exit,
    "WorkerContract.Add": worker_contract,
    "WorkerAttendance.Add": worker_attendance,
    "Payroll.Add": payroll_detail,
}
KIND_BUILDERS: dict[str, Callable[[int], dict[str, Any]]] = {"worker_entered": worker_entry}


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None and v != ""}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _encrypt(value: Any, secret: str) -> Any:
    if isinstance(value, dict):
        return {k: encrypt_field(v, secret) if k in ENCRYPTED else _encrypt(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_encrypt(v, secret) for v in value]
    return value


def checked(event: PushEvent) -> dict[str, Any]:
    """The event's object in clear, passed through its method's schema, or ``Incomplete``."""
    builder = KIND_BUILDERS.get(event.kind) or BUILDERS[event.method]
    data = _clean(builder(event.object_id)) | {"thirdSerialCode": event.stable_id}
    try:
        return METHODS[event.method].model_validate(data).model_dump(exclude_none=True)
    except ValidationError as exc:
        raise from_validation(exc) from None


def build(event: PushEvent, secret: str) -> dict[str, Any]:
    """The object as it goes on the wire (ID and card numbers AES-encrypted)."""
    return _encrypt(checked(event), secret)
