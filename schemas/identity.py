"""Identity: 人脸核身 results, on-site verification and enrollment, paper consents, claim codes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field

from models import Consent, IdentityVerification
from schemas.common import Accepted, Strict, UploadAnswer
from schemas.enrollment import ProfileIn, ProfileOut

Id = Field(ge=1, le=2**53)
ConsentKind = Literal["privacy_policy", "biometric", "location", "financial"]


class VerifyResultIn(Strict):
    verify_result: str = Field(min_length=1, max_length=1024, title="核身凭据",
                               description="wx.startFacialRecognitionVerify 成功回调中的 verifyResult")


class IdentityVerificationOut(BaseModel):
    id: int
    user_id: int
    method: Literal["wechat_face", "on_site"]
    status: Literal["verified", "failed"]
    verified_by: int | None = Field(description="现场核验的劳资专管员 user id；微信人脸核身为 null")
    note: str | None
    document_photo: bool = Field(description="是否保存了证件照片（仅劳资专管员可看，审核通过后删除）")
    created_at: dt.datetime

    @classmethod
    def of(cls, v: IdentityVerification) -> IdentityVerificationOut:
        return cls(id=v.id, user_id=v.user_id, method=v.method, status=v.status,  # type: ignore[arg-type]
                   verified_by=v.verified_by, note=v.note, document_photo=v.document_photo_object_id is not None,
                   created_at=v.created_at)


class OnSiteVerificationForm(BaseModel):
    method: Literal["on_site"] = Field(description="on_site：劳资专管员当面核对证件原件")
    note: str = Field(min_length=2, max_length=256, description="核验说明，如“核对身份证原件，人证一致”")
    document_photo: FileStorage | None = Field(default=None, description="证件照片（可选，JPEG/PNG，加密保存）")


class VerificationPath(BaseModel):
    project_id: int = Id
    verification_id: int = Id


class OnSiteWorkerIn(ProfileIn):
    team_id: int = Field(ge=1, le=2**53, title="班组")


class OnSiteWorkerOut(BaseModel):
    user_id: int
    membership_id: int = Field(description="报名（成员）id，待审核")
    claim_code: str = Field(description="一次性认领码：工人日后用自己的微信登录后 POST /me/claims 认领（只显示这一次）")
    claim_expires_at: dt.datetime
    profile: ProfileOut


class PaperConsentForm(BaseModel):
    kind: ConsentKind = Field(description="授权类型")
    version: str = Field(min_length=1, max_length=32, description="纸质授权书对应的版本（须为当前版本）")
    form_photo: FileStorage = Field(description="工人签字的纸质授权书照片（JPEG/PNG，加密保存）")


class PaperConsentOut(BaseModel):
    id: int
    user_id: int
    kind: str
    version: str
    method: Literal["app", "paper"]
    recorded_by: int | None
    granted_at: dt.datetime

    @classmethod
    def of(cls, c: Consent) -> PaperConsentOut:
        return cls(id=c.id, user_id=c.user_id, kind=c.kind, version=c.version, method=c.method,  # type: ignore[arg-type]
                   recorded_by=c.recorded_by, granted_at=c.granted_at)


class ClaimCodeOut(BaseModel):
    claim_code: str = Field(description="一次性认领码（只显示这一次）")
    claim_expires_at: dt.datetime


class ClaimIn(Strict):
    code: str = Field(min_length=4, max_length=16, title="认领码", description="劳资专管员给的一次性认领码")


class FaceOnSiteForm(BaseModel):
    frames: list[FileStorage] = Field(title="照片", description="工人的自拍（劳资专管员手机拍摄），1–3 张 JPG/PNG")


class FaceOnSiteAccepted(Accepted):
    check_id: int
    status: Literal["pending"]


class IdentityVerificationUploaded(IdentityVerificationOut, UploadAnswer):
    """An on-site verification (with its optional card photo upload), plus what wx.uploadFile cannot read."""


class PaperConsentUploaded(PaperConsentOut, UploadAnswer):
    """A paper consent (with the form's photo), plus what wx.uploadFile cannot read."""
