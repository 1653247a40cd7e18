"""Error codes of the identity area (issue 27), as rows of services/error_codes.py's catalogue:
(code, HTTP status, message, when, what to do, retry, area). Kept here so the catalogue module stays
under 400 lines; ``CATALOGUE`` there is still the one place every code is looked up."""

from __future__ import annotations

from typing import Any

IDENTITY_CODES: tuple[tuple[Any, ...], ...] = (
    ("IDENTITY_RESULT_INVALID", 422, "人脸核身结果无效或已过期，请重新核身", "微信查不到该 verify_result 或已过期"
     "（errcode 84001–84004）", "重新调用 wx.startFacialRecognitionVerify", "restart", "enrollment"),
    ("IDENTITY_FACE_FAILED", 422, "人脸核身未通过", "微信返回核身未通过（details.identify_ret）",
     "可重试人脸核身，或到项目部由劳资专管员现场核验证件", "restart", "enrollment"),
    ("IDENTITY_MISMATCH", 422, "核身的姓名或证件号与实名信息不一致", "微信返回的姓名/证件号摘要与本人实名信息不符",
     "核对实名信息后重新核身，或到项目部现场核验", "fix", "enrollment"),
    ("IDENTITY_METHOD_UNAVAILABLE", 422, "该证件类型不能使用微信人脸核身", "微信人脸核身只支持居民身份证",
     "到项目部由劳资专管员现场核验证件", "never", "enrollment"),
    ("IDENTITY_SELF_VERIFY", 403, "不能为本人核验身份", "劳资专管员为自己的成员身份做现场核验", "请其他管理人员核验",
     "never", "enrollment"),
    ("PHOTO_INVALID", 422, "照片需为 JPEG 或 PNG 图片，且不超过 8MB", "证件照片或纸质授权书照片不是可识别的图片",
     "重新拍照后提交", "new_key", "enrollment"),
    ("CLAIM_CODE_INVALID", 422, "认领码无效、已使用或已过期", "认领码不存在、已用过或超过有效期",
     "请劳资专管员重新生成认领码", "fix", "enrollment"),
    ("CLAIM_ACCOUNT_NOT_EMPTY", 409, "当前微信账号已有实名信息或项目，不能认领", "当前账号已填写实名信息或加入了项目",
     "用未使用过的微信账号认领，或联系劳资专管员", "never", "enrollment"),
    ("CONTRACT_NOT_AWAITING_WITNESS", 409, "合同不在等待见证的状态", "工人尚未手写签名，或合同已签署",
     "刷新合同状态", "never", "contracts"),
    ("CONTRACT_SELF_WITNESS", 403, "不能见证本人的合同", "劳资专管员见证自己的合同", "请其他管理人员见证", "never",
     "contracts"),
)
