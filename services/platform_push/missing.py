"""What a record lacks before the platform can take it, said in the project admin's words: the
field, its Chinese label, and where in SiteRoll to enter it (the incomplete list and the guide)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

PROFILE = "工人：小程序「实名信息」（PUT /api/v1/me/profile）"
PROFILE_PLATFORM = "工人：小程序「实名信息 · 上报平台所需」（PUT /api/v1/me/profile）"
PROJECT = "项目管理员：平台项目编码（PUT /api/v1/projects/{pid}/platform）"
AUTO_TEAM = "自动：班组上报（Team.Add）被平台接受后取得 teamSysNo，无需录入"
AUTO_WORKER = "自动：该工人的进场登记（ProjectWorker.Add）被平台接受后发送，无需录入"
COMPANY = "项目管理员：参建单位（总包或班组所属企业，统一社会信用代码）"
LEADER = "班组长：小程序「实名信息」（姓名、身份证号、手机号）"
CONTRACT = "劳资专管员：合同（以完成一定工作任务为期限的合同须有预计结束日期）"
WAGE_ACCOUNT = "项目管理员：项目的工资专用账户开户银行（须在银行代码表中）"

# field -> (label, where)
FIELDS: dict[str, tuple[str, str]] = {
    "projectCode": ("平台项目编码", PROJECT),
    "corpCode": ("企业统一社会信用代码", COMPANY),
    "corpName": ("企业名称", COMPANY),
    "teamSysNo": ("平台班组编号", AUTO_TEAM),
    "teamName": ("班组名称", "项目管理员：班组"),
    "teamLeaderName": ("班组长姓名", LEADER),
    "teamLeaderPhone": ("班组长手机号", LEADER),
    "teamLeaderIdNumber": ("班组长身份证号", LEADER),
    "responsiblePersonName": ("班组责任人姓名", LEADER),
    "responsiblePersonPhone": ("班组责任人手机号", LEADER),
    "responsiblePersonIdNumber": ("班组责任人身份证号", LEADER),
    "entryTime": ("班组进场日期", "项目管理员：班组"),
    "workerName": ("姓名", PROFILE),
    "idCardNumber": ("身份证号", PROFILE),
    "workType": ("工种（平台代码）", PROFILE + "；所选工种须在平台工种目录中有对应（GET /api/v1/trades 的 code）"),
    "nation": ("民族", PROFILE_PLATFORM),
    "address": ("住址", PROFILE),
    "headImage": ("头像（人脸照片）", "工人：签订劳动合同时的人脸照片"),
    "politicsType": ("政治面貌", PROFILE_PLATFORM),
    "cultureLevelType": ("文化程度", PROFILE_PLATFORM),
    "cellPhone": ("手机号", PROFILE),
    "grantOrg": ("身份证发证机关", PROFILE_PLATFORM),
    "startDate": ("证件有效期开始日期 / 合同开始日期", PROFILE_PLATFORM),
    "expiryDate": ("证件有效期结束日期", PROFILE_PLATFORM),
    "workDate": ("进场日期", "劳资专管员：报名审核通过"),
    "date": ("日期", "自动：审核通过 / 打卡 / 退场的日期"),
    "voucher": ("凭证（已签订的劳动合同）", "工人：签订劳动合同"),
    "endDate": ("合同结束日期", CONTRACT),
    "image": ("刷脸照片", "自动：打卡照片（超过保留期删除后无法补报）"),
    "lng": ("经度", "自动：打卡定位"),
    "lat": ("纬度", "自动：打卡定位"),
    "payRollBankCardNumber": ("工资卡号", PROFILE),
    "payRollBankCode": ("工资卡银行代码", PROFILE + "：开户银行须在银行代码表中"),
    "payRollBankName": ("工资卡开户银行", PROFILE),
    "payBankCardNumber": ("工资专用账户账号", WAGE_ACCOUNT),
    "payBankCode": ("工资专用账户银行代码", WAGE_ACCOUNT),
    "payBankName": ("工资专用账户开户银行", WAGE_ACCOUNT),
    "backPayMonth": ("补发月份", "劳资专管员：工资单"),
    "balanceDate": ("发放日期", "自动：银行回单"),
    "worker": ("工人进场登记", AUTO_WORKER),
    # set by SiteRoll itself: missing only through a defect, reported so it is seen
    "idCardType": ("证件类型", PROFILE),
    "teamLeaderIdcardType": ("班组长证件类型", LEADER),
    "responsiblePersonIdcardType": ("班组责任人证件类型", LEADER),
    "isTeamLeader": ("是否班组长", "自动：班组的班组长"),
    "workRole": ("工人类型", "自动：建筑工人（20）"),
    "type": ("进退场类型", "自动：进场 1 / 退场 0"),
    "direction": ("进出方向", "自动：打卡方向"),
    "contractPeriodType": ("合同期限类型", CONTRACT),
    "payMonth": ("工资月份", "自动：工资单月份"),
    "isBackPay": ("是否补发", "自动：工资单"),
    "thirdPayRollCode": ("工资单编号", "自动：银行回单流水号"),
    "attendType": ("通行方式", "自动：人脸打卡 001 / 班组长见证 011"),
    "channel": ("通道", "自动"),
    "payRollTopBankCode": ("工资卡银行代码", PROFILE + "：开户银行须在银行代码表中"),
}


@dataclass(frozen=True)
class Missing:
    field: str
    label: str
    where: str
    problem: str  # "missing" or the check that failed, in Chinese

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "where": self.where, "problem": self.problem}


class Incomplete(Exception):
    """A record that cannot be built or does not pass its method's schema: not sent, listed."""

    def __init__(self, items: list[Missing]) -> None:
        super().__init__("; ".join(f"{m.field}: {m.problem}" for m in items))
        self.items = items


def item(field: str, problem: str = "缺少") -> Missing:
    label, where = FIELDS.get(field, (field, "见 docs/platform-push.md"))
    return Missing(field, label, where, problem)


def from_validation(exc: ValidationError) -> Incomplete:
    found: dict[str, Missing] = {}
    for err in exc.errors():
        names = [str(p) for p in err["loc"] if isinstance(p, str)]
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        head, _, rest = msg.partition(": ")
        if err["type"] == "value_error" and rest and head.isidentifier():  # a model validator names its field
            names, msg = [head], rest
        field = names[-1] if names else "record"
        problem = "缺少" if err["type"] == "missing" else msg
        found.setdefault(field, item(field, problem))
    return Incomplete(list(found.values()))
