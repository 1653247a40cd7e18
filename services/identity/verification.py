"""Real identity before approval (真实身份信息认证), by one of two methods.

《建筑工人实名制管理办法（试行）》 asks that workers be registered by their real identity and
《保障农民工工资支付条例》 第二十八条 that "未与施工总承包单位或者分包单位订立劳动合同并进行用工实名
登记的人员，不得进入项目现场施工". A typed number that passes its checksum proves only that the number
exists; one of these ties it to the person:

- ``wechat_face``: WeChat 人脸核身 (``wx.startFacialRecognitionVerify`` on the phone, the result
  fetched here from ``cityservice/face/identify/getinfo``). Counted only when WeChat says the check
  passed (``identify_ret`` 0) and its ``id_card_number_md5`` / ``name_utf8_md5`` are this profile's.
  居民身份证 only: WeChat checks against the national ID database.
- ``on_site``: the labour manager holds the physical card with the worker present and records it
  (never for their own membership). This is also the non-face way 《人脸识别技术应用安全管理办法》
  (2025) 第十条 asks for: "实现相同目的或者达到同等业务要求，存在其他非人脸识别技术方式的，不得将
  人脸识别技术作为唯一验证方式".

A verification names the profile's ID number (by blind index): correcting the number leaves it behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlalchemy import select

from models import IdentityVerification, WorkerProfile, db
from services import audit, pii, wechat
from services.authz import Action, authorize, memberships_in
from services.enrollment.profile import get_profile
from services.errors import Forbidden, NotFound, Unprocessable
from services.id_types import RESIDENT_ID
from services.identity.photos import check_photo, store_photo
from services.storage import objects
from services.storage.backends import ObjectMissing

TABLE = "identity_verifications"
METHODS = ("wechat_face", "on_site")


def current_verification(user_id: int, profile: WorkerProfile | None = None,
                         methods: tuple[str, ...] = METHODS) -> IdentityVerification | None:
    """The newest verification (by one of ``methods``) that still names the profile's ID number, or None."""
    profile = profile or db.session.execute(select(WorkerProfile).where(WorkerProfile.user_id == user_id)
                                            ).scalar_one_or_none()
    if profile is None:
        return None
    return db.session.execute(select(IdentityVerification).where(
        IdentityVerification.user_id == user_id, IdentityVerification.status == "verified",
        IdentityVerification.id_number_bidx == profile.id_number_bidx, IdentityVerification.method.in_(methods))
        .order_by(IdentityVerification.id.desc()).limit(1)).scalar_one_or_none()


def _clear(profile: WorkerProfile, field: str) -> str:
    # compared with WeChat's digests on the server only: no reveal entry, nothing leaves
    return pii.decrypt_str(getattr(profile, f"{field}_enc"),
                           context=pii.row_context("worker_profiles", f"{field}_enc", profile.id))


def _md5(value: str) -> str:
    return hashlib.md5(value.encode("utf-8")).hexdigest()  # noqa: S324 - WeChat's digest, not ours


def verify_with_wechat(actor_id: int, verify_result: str) -> IdentityVerification:
    """The worker's own 人脸核身 result; refused unless WeChat passed it for this very name and number."""
    profile = get_profile(actor_id)
    if profile.id_type != RESIDENT_ID:
        raise Unprocessable("IDENTITY_METHOD_UNAVAILABLE", details={"id_type": profile.id_type})
    answer = wechat.face_identify_info(verify_result)
    ret = int(answer.get("identify_ret", -1))
    if ret != 0:
        audit.record("identity.wechat_failed", actor_user_id=actor_id, object_type="user", object_id=actor_id,
                     details={"identify_ret": ret})
        raise Unprocessable("IDENTITY_FACE_FAILED", details={"identify_ret": ret})
    number_ok = str(answer.get("id_card_number_md5", "")).lower() == _md5(_clear(profile, "id_number").upper())
    name_ok = str(answer.get("name_utf8_md5", "")).lower() == _md5(_clear(profile, "name"))
    if not (number_ok and name_ok):
        raise Unprocessable("IDENTITY_MISMATCH", details={"id_number": number_ok, "name": name_ok})
    row = IdentityVerification(user_id=actor_id, method="wechat_face", status="verified",
                               id_number_bidx=profile.id_number_bidx, wechat_identify_ret=ret)
    db.session.add(row)
    db.session.flush()
    audit.record("identity.verified", actor_user_id=actor_id, object_type="identity_verification",
                 object_id=row.id, details={"method": "wechat_face", "user_id": actor_id})
    return row


def verify_on_site(actor_id: int, project_id: int, user_id: int, *, note: str,
                   document_photo: bytes | None = None) -> IdentityVerification:
    """The labour manager saw the card with the worker present. Never for their own membership."""
    authorize(actor_id, Action.IDENTITY_VERIFY, project_id)
    if actor_id == user_id:
        raise Forbidden("IDENTITY_SELF_VERIFY")
    if not memberships_in(user_id, project_id):
        raise NotFound("MEMBER_NOT_FOUND")
    profile = get_profile(user_id)
    if document_photo is not None:
        check_photo(document_photo, "document_photo")
    row = IdentityVerification(user_id=user_id, project_id=project_id, method="on_site", status="verified",
                               id_number_bidx=profile.id_number_bidx, verified_by=actor_id, note=note)
    db.session.add(row)
    db.session.flush()
    if document_photo is not None:
        row.document_photo_object_id = store_photo(document_photo, TABLE, "document_photo_enc", row.id)
        db.session.flush()
    audit.record("identity.verified", actor_user_id=actor_id, object_type="identity_verification",
                 object_id=row.id, details={"method": "on_site", "user_id": user_id, "project_id": project_id,
                                            "document_photo": document_photo is not None})
    return row


def document_photo(actor_id: int, project_id: int, verification_id: int) -> tuple[str, Iterator[bytes]]:
    """The card photo (content type, clear chunks streamed from the object store), for the labour
    manager only; every view is audited."""
    authorize(actor_id, Action.IDENTITY_VERIFY, project_id)
    row = db.session.get(IdentityVerification, verification_id)
    stored = None if row is None or row.project_id != project_id else objects.get_row(row.document_photo_object_id)
    if row is None or stored is None:
        raise NotFound("NOT_FOUND")
    audit.record("identity.document_photo_viewed", actor_user_id=actor_id, object_type="identity_verification",
                 object_id=row.id, details={"user_id": row.user_id})
    try:
        return stored.content_type, objects.stream(stored)
    except ObjectMissing:  # removed from the store by hand: as if purged
        raise NotFound("NOT_FOUND") from None
