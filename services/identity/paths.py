"""The face path or the non-face path: face recognition is never the only way.

《人脸识别技术应用安全管理办法》 (2025) 第十条: "实现相同目的或者达到同等业务要求，存在其他非人脸识别技术
方式的，不得将人脸识别技术作为唯一验证方式". 个人信息保护法 第十六条: a processor may not refuse its
service because a person does not consent, except where the processing is necessary for it.

A worker without a standing ``biometric`` consent (never given, or withdrawn) is on the non-face path:
- approval needs the identity verified on site (the card in hand; WeChat 人脸核身 is face recognition
  too) instead of an enrolled face, and neither the biometric nor the location consent;
- the contract is signed by hand and the labour manager witnesses it (services/contracts/witness.py);
- attendance is the leader's witnessed clock, which needs no location consent of the worker.
The entry gate takes the path through its NON_FACE_ALTERNATIVES hook (registered by services.register_gate_checks), so the gate,
the enrollment review and the worker's app give the same answer.
"""

from __future__ import annotations

from datetime import date

from services.consents import has_current_consent
from services.identity.verification import current_verification

FACE, NON_FACE = "face", "non_face"
FACE_CONSENTS = ("privacy_policy", "biometric", "location", "financial")
NON_FACE_CONSENTS = ("privacy_policy", "financial")

def path_of(user_id: int) -> str:
    """Which path the worker is on: the face path exactly while their biometric consent stands."""
    return FACE if has_current_consent(user_id, "biometric") else NON_FACE


def approval_consents(path: str) -> tuple[str, ...]:
    return FACE_CONSENTS if path == FACE else NON_FACE_CONSENTS


def identity_methods(path: str) -> tuple[str, ...]:
    """The non-face path is anchored in the card seen in person: WeChat 人脸核身 is face recognition too."""
    return ("wechat_face", "on_site") if path == FACE else ("on_site",)


def non_face_alternative(user_id: int, project_id: int, on_day: date) -> bool:
    """The gate's hook: without face consent a worker is let through on an identity verified in person."""
    return current_verification(user_id, methods=identity_methods(NON_FACE)) is not None

