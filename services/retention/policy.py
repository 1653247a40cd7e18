"""The retention table. Legal bases (quoted where the rule lives):

- 个人信息保护法 第十九条: "除法律、行政法规另有规定外，个人信息的保存期限应当为实现处理目的所必要的最短时间。"
- 个人信息保护法 第四十七条: the processor deletes on its own when the purpose is achieved or no longer
  needed, or the person withdraws consent; "法律、行政法规规定的保存期限未届满 … 个人信息处理者应当停止除存储
  和采取必要的安全保护措施之外的处理".
- 《保障农民工工资支付条例》 第十五条: "用人单位应当按照工资支付周期编制书面工资支付台账，并至少保存3年。"
- 《保障农民工工资支付条例》 第二十八条: the labour manager "掌握施工现场用工、考勤、工资支付等情况，审核分包单位
  编制的农民工考勤表、工资支付表等工资支付资料" (the attendance behind the wage sheet is wage material).
- 《建筑工人实名制管理办法（试行）》 (建市〔2019〕18号): electronic attendance with its images and video kept
  as electronic records ("相关电子考勤和图像、影像等电子档案保存期限不少于2年"); we keep them as long as the
  wage records they support (3 years), the longer of the two.
- 《劳动合同法》 第五十条: "用人单位对已经解除或者终止的劳动合同的文本，至少保存二年备查。"
- 《人脸识别技术应用安全管理办法》 (2025): face information kept no longer than the purpose needs; deleted
  on withdrawal (also 个人信息保护法 第四十七条).

The wage-related periods run from the later of the project's completion (``completed_on``, 竣工) and
its wage settlement (``wages_settled_on``): until both are set nothing of the project expires.
"""

from __future__ import annotations

from dataclasses import dataclass

PROJECT_YEARS = 3  # wage and attendance records and their images, after completion and settlement
CONTRACT_YEARS = 2  # a contract's text and its signing evidence, after it ended
TEMPLATE_GRACE_DAYS = 30  # a face template after the worker left their last project
UNAPPROVED_ID_PHOTO_DAYS = 30  # an ID-card photo of an application never approved


@dataclass(frozen=True)
class Rule:
    record_type: str
    records: str  # what, in words
    period: str
    starts: str
    action: str  # delete | keep (nothing deleted by the job)
    basis: str


RULES: tuple[Rule, ...] = (
    Rule("wage_records", "工资单、工资明细、代发记录（payrolls, payroll_lines, payments）",
         f"{PROJECT_YEARS} 年", "项目竣工且工资结清之日（取较晚者）", "keep",
         "《保障农民工工资支付条例》第十五条（至少保存3年）"),
    Rule("attendance_records", "考勤记录与考勤日（attendance_clocks, attendance_days）",
         f"{PROJECT_YEARS} 年", "项目竣工且工资结清之日", "keep",
         "《保障农民工工资支付条例》第十五条、第二十八条；《建筑工人实名制管理办法（试行）》"),
    Rule("clock_photo", "考勤自拍（face_evidence，打卡）",
         f"{PROJECT_YEARS} 年；工资未发完或考勤有未解决的异议时继续保存", "项目竣工且工资结清之日", "delete",
         "《建筑工人实名制管理办法（试行）》（电子考勤图像不少于2年）；《保障农民工工资支付条例》第十五条；"
         "个人信息保护法第十九条"),
    Rule("contract_photo", "签约自拍（face_evidence，签约）", f"{CONTRACT_YEARS} 年", "合同解除或终止之日",
         "delete", "《劳动合同法》第五十条；个人信息保护法第十九条"),
    Rule("face_template", "人脸特征（face_templates）", f"{TEMPLATE_GRACE_DAYS} 天；撤回人脸授权时立即删除",
         "工人退出最后一个项目之日", "delete",
         "个人信息保护法第十九条、第四十七条；《人脸识别技术应用安全管理办法》"),
    Rule("id_card_photo", "现场核验时拍的证件照片（identity_verifications）",
         f"审核通过即删除；未通过的报名 {UNAPPROVED_ID_PHOTO_DAYS} 天", "审核通过之日 / 核验之日", "delete",
         "个人信息保护法第十九条（核验完成即达到目的，无规定要求保存照片）"),
    Rule("consent_form_photo", "纸质授权书照片（consents）", "与授权记录一同保存", "—", "keep",
         "个人信息保护法第十四条、第二十九条（单独同意须能证明）"),
    Rule("contracts", "劳动合同文本与签名", f"{CONTRACT_YEARS} 年（工资相关项目期间内不早于项目期限）",
         "合同解除或终止之日", "keep", "《劳动合同法》第五十条"),
    Rule("audit_log", "审计日志", "长期", "—", "keep", "个人信息保护法第五十五条、第五十六条（处理情况记录至少3年）"),
)
BY_TYPE = {r.record_type: r for r in RULES}


def markdown_table() -> str:
    """The table as docs/retention.md shows it (a test compares them)."""
    lines = ["| 记录类型 | 内容 | 保存期限 | 起算 | 到期处理 | 依据 |", "|---|---|---|---|---|---|"]
    lines += [f"| `{r.record_type}` | {r.records} | {r.period} | {r.starts} | "
              f"{'删除' if r.action == 'delete' else '保存（不自动删除）'} | {r.basis} |" for r in RULES]
    return "\n".join(lines)
