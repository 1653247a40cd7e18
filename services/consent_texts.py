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
            # v2 (issue 27): says that selfies go to and stay on our server, for how long, and the alternative
            "biometric", "v2", "人脸识别（生物识别信息）处理授权",
            "人脸信息属于敏感个人信息。为确认登记、考勤和签约是您本人，您在小程序中拍摄的自拍照片会通过网络发送到"
            "本系统的服务器（不保存在手机上），在服务器上提取人脸特征，特征加密保存，用于与您登记的人脸比对。"
            "保存期限：人脸特征在您退出所有项目 30 天后，或您撤回本授权时删除；考勤自拍作为考勤凭证，"
            "按《保障农民工工资支付条例》和建筑工人实名制规定与考勤记录一同保存，至项目竣工且工资结清后满 3 年删除；"
            "签约自拍随劳动合同保存至合同解除或终止后满 2 年删除。"
            "您可以不同意或随时撤回本授权，不影响您报名、签约和上工：改由劳资专管员现场核验身份证件、"
            "见证您手写签署合同，由班组长现场见证考勤。撤回后我们不再进行任何人脸处理并删除您的人脸特征。",
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
