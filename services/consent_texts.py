"""The current text of each consent the worker is asked for (个人信息保护法 第十四条、第二十八至二十九条).

Data, not logic. Changing a text means a new version: consents given to an older version no
longer count as current, and the mini-program asks again.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentText:
    kind: str
    version: str
    title: str
    text: str


CURRENT: dict[str, ConsentText] = {
    c.kind: c
    for c in (
        ConsentText(
            "privacy_policy", "v1", "隐私政策",
            "为落实建筑工人实名制管理（《建筑工人实名制管理办法》）和工资支付保障（《保障农民工工资支付条例》），"
            "我们收集您的姓名、身份证号、手机号、工种、紧急联系人等信息，用于实名登记、劳动合同签订、考勤和工资发放。"
            "上述信息加密保存，仅项目管理员和劳资专管员因管理需要可查看，每次查看均记录在审计日志中。"
            "您可以查阅、更正您的信息，并可撤回同意；撤回后我们将停止相应处理，但法律法规要求保存的记录除外。",
        ),
        ConsentText(
            "biometric", "v1", "人脸识别（生物识别信息）处理授权",
            "人脸信息属于敏感个人信息。为确认登记、考勤和签约是您本人，我们将采集您的自拍照片，提取人脸特征并加密保存，"
            "用于与您登记的人脸比对；考勤和签约照片作为凭证保存不超过 90 天后删除。"
            "本授权可随时撤回，撤回后不再进行任何人脸处理，您可以改用项目部提供的非人脸方式（如现场核验）考勤。",
        ),
        ConsentText(
            "location", "v1", "位置信息（行踪轨迹）授权",
            "位置信息（行踪轨迹）属于敏感个人信息。仅在您打卡时获取一次当前位置，用于判断是否在项目电子围栏内，"
            "不会在后台持续定位。撤回后将不再记录您的位置，您将无法通过小程序打卡。",
        ),
        ConsentText(
            "financial", "v1", "银行卡（金融账户）信息授权",
            "银行卡号属于敏感个人信息。我们保存您的银行卡号和开户行，仅用于通过项目工资专用账户向您本人代发工资，"
            "加密保存，页面只显示后四位。撤回后将无法代发工资到您的银行卡，请联系劳资专管员另行处理。",
        ),
    )
}
