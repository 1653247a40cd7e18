"""Stable reason codes of a face check, each with the message shown to the worker."""

from __future__ import annotations

from typing import Any

from services.errors import Unprocessable

# code -> what the worker reads on the phone: say what to do, not what went wrong inside
REASONS: dict[str, str] = {
    "IMAGE_UNDECODABLE": "照片无法识别，请重新拍照上传（仅支持 JPG/PNG）",
    "IMAGE_TOO_LARGE": "照片太大，请重新拍照上传",
    "FACE_NOT_FOUND": "未检测到人脸，请正对镜头重拍",
    "FACE_MULTIPLE": "照片中有多张人脸，请单独拍摄",
    "FACE_TOO_SMALL": "人脸太小，请靠近镜头重拍",
    "IMAGE_TOO_DARK": "光线太暗，请到明亮处重拍",
    "IMAGE_TOO_BLURRY": "照片模糊，请保持手机稳定后重拍",
    "FACE_NOT_FRONTAL": "请正对镜头，不要侧脸、仰头或低头",
    "SPOOF_SUSPECTED": "未通过活体检测，请本人对着镜头重拍，或完成动作验证",
    "FACE_MISMATCH": "人脸与登记信息不一致，请本人重试",
    "NOT_ENROLLED": "尚未录入人脸，请先完成人脸登记",
    "CHALLENGE_EXPIRED": "动作验证已过期，请重新开始",
    "CHALLENGE_REPLAYED": "动作验证已使用过，请重新开始",
    "CHALLENGE_NOT_PERFORMED": "未检测到指定动作，请按提示转头或抬头/低头后重试",
    "CHALLENGE_FACE_CHANGED": "动作验证过程中人脸不一致，请本人完成验证",
    "CHALLENGE_FRAMES_INVALID": "动作验证需要上传 2–3 张照片，请重新开始",
    "CONSENT_WITHDRAWN": "您已撤回人脸识别授权，本次照片未做处理",
    "ENGINE_ERROR": "人脸服务暂时不可用，请稍后重试",
}


class FaceRejected(Unprocessable):
    """A selfie failed a check: an ordinary domain error (422 at a request, a failed check in
    the job). ``code`` is stable (stored, sent to the app); the message is Chinese."""

    def __init__(self, code: str, details: dict[str, Any] | None = None) -> None:
        if code not in REASONS:
            raise ValueError(f"unknown face reason code {code!r}")
        super().__init__(code, REASONS[code], details)
