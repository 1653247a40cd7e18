"""Oversight requests and answers: dashboards, links, warnings, findings, 红黑榜, notice board, push."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from schemas.common import Listed, ListQuery, Strict


class DashboardLinkIn(Strict):
    path: str = Field(max_length=64, description="/dashboards/projects/{pid}、/dashboards/companies/{cid} 或 /dashboards/regulator",
                      examples=["/dashboards/projects/1"])


class DashboardLinkOut(BaseModel):
    url: str = Field(description="在手机浏览器（web-view）中打开；几分钟内有效，只能用于该页面")
    expires_at: datetime


class Dashboard(BaseModel):
    """看板数据（字段见各看板说明；数值均为统计，监管看板不含任何个人信息）。"""

    model_config = {"extra": "allow"}


class WarningPath(BaseModel):
    warning_id: int = Field(ge=1, le=2**53)


class FindingPath(BaseModel):
    finding_id: int = Field(ge=1, le=2**53)


class ListEntryPath(BaseModel):
    entry_id: int = Field(ge=1, le=2**53)


class WarningQuery(ListQuery):
    status: Literal["open", "acknowledged", "closed"] | None = None


class NoteIn(Strict):
    note: str = Field(min_length=1, max_length=500)


class WarningOut(BaseModel):
    id: int
    project_id: int
    rule: str
    title: str = Field(description="规则的中文名称")
    weight: int = Field(description="计入风险分的权重")
    subject: str = Field(description="对象：user:<id>、face:<id>（人脸模板所属用户）等")
    evidence: dict[str, Any] = Field(description="证据：规则计算时看到的数字与日期")
    since: date = Field(description="条件从哪一天开始成立")
    status: Literal["open", "acknowledged", "closed"]
    note: str | None
    acknowledged_at: datetime | None
    closed_at: datetime | None
    last_seen_at: datetime


class WarningList(Listed):
    items: list[WarningOut]
    score: int


class ThresholdsIn(Strict):
    values: dict[str, float] = Field(description="要修改的阈值（未给出的保持不变）")


class ThresholdsOut(BaseModel):
    values: dict[str, float]


class FindingIn(Strict):
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])
    item: Literal["to_post_rate", "attendance_accuracy", "wage_records", "other"]
    description: str = Field(min_length=1, max_length=2000)
    rectify_by: date | None = Field(default=None, description="整改期限")


class AnswerIn(Strict):
    answer: str = Field(min_length=1, max_length=2000)


class FindingOut(BaseModel):
    id: int
    project_id: int
    month: str
    item: str
    description: str
    rectify_by: date | None
    status: Literal["open", "answered"]
    created_by: int
    created_at: datetime
    answer: str | None
    answered_by: int | None
    answered_at: datetime | None


class FindingList(Listed):
    items: list[FindingOut]


class EvidenceLink(Strict):
    type: Literal["warning", "finding", "payroll", "unpaid_wages", "document"]
    id: int | None = Field(default=None, ge=1, le=2**53)
    url: str | None = Field(default=None, max_length=300)
    note: str | None = Field(default=None, max_length=200)


class ListEntryIn(Strict):
    party_type: Literal["company", "team"]
    party_id: int = Field(ge=1, le=2**53)
    color: Literal["red", "black"]
    reason: str = Field(min_length=1, max_length=500)
    evidence: list[EvidenceLink] = Field(default_factory=list, max_length=20)
    period_start: date
    period_end: date | None = None


class ListEntryOut(BaseModel):
    id: int
    party_type: str
    party_id: int
    party_name: str
    color: Literal["red", "black"]
    reason: str
    evidence: list[dict[str, Any]]
    period_start: date
    period_end: date | None
    decided_by_authority: str = Field(description="作出决定的监管部门")
    decided_at: datetime
    lifted_at: datetime | None


class ListEntryList(Listed):
    items: list[ListEntryOut]


class NoticeBoardIn(Strict):
    labour_manager_name: str | None = Field(default=None, max_length=64)
    labour_manager_phone: str | None = Field(default=None, max_length=32)
    complaint_phones: list[dict[str, str]] = Field(default_factory=list, max_length=12,
                                                   description='投诉、仲裁、法律援助渠道 [{"name": "劳动监察", "phone": "12333"}]；'
                                                               '须含 12333、12345、12348、劳动争议仲裁、法律援助')
    authorities: list[dict[str, str]] | None = Field(default=None, max_length=8,
                                                     description='相关行业工程建设主管部门 [{"name": "区住建局", "phone": "..."}]')


class NoticeBoardOut(BaseModel):
    project_id: int
    project_name: str
    address: str
    contractor: str | None
    labour_manager_name: str | None
    labour_manager_phone: str | None
    wage_account_bank: str
    wage_account_no_masked: str
    pay_day: int | None = Field(description="每月发薪日")
    complaint_phones: list[dict[str, str]]
    join_url: str = Field(description="二维码内容：项目加入页")
    owner: str | None = Field(default=None, description="建设单位")
    subcontractors: list[str] = Field(default_factory=list, description="在场施工的分包单位")
    authorities: list[dict[str, str]] = Field(default_factory=list, description="相关行业工程建设主管部门")
    minimum_wage_fen: int | None = Field(default=None, description="当地月最低工资标准（分）")
    pay_date: str | None = Field(default=None, description="下一个发薪日（遇休息日、节假日已提前）")
    published_at: str | None = Field(default=None, description="发布时间；未发布为 null")
    missing: list[str] = Field(default_factory=list, description="《条例》第三十四条要求但尚缺的事项；为空才能发布")


PushStatusName = Literal["pending", "incomplete", "sent", "accepted", "rejected", "dead"]


class MissingField(BaseModel):
    field: str = Field(description="平台字段名，如 nation、projectCode、teamSysNo")
    label: str = Field(description="中文名称，如 民族")
    where: str = Field(description="在哪里补录（角色与页面/接口）")
    problem: str = Field(description="缺少，或未通过的校验说明")


class PushEventOut(BaseModel):
    id: int
    stable_id: str = Field(description="同一事实的固定编号，作为 thirdSerialCode 发送")
    kind: str = Field(description="team_created / worker_enrolled / worker_entered / contract_signed / clock_decided / "
                                  "pay_line_paid / worker_left")
    method: str = Field(description="平台接口，如 ProjectWorker.Add")
    object_id: int
    status: PushStatusName = Field(description="pending 待发送 / incomplete 资料不全未发送 / sent 已发送待平台结果 / "
                                               "accepted 平台已接受 / rejected 平台退回 / dead 多次发送失败已放弃")
    attempts: int
    next_attempt_at: datetime
    last_error: str | None = Field(description="发送失败（网络、签名等）的说明")
    missing: list[MissingField] | None = Field(description="status=incomplete 时：缺少什么、在哪里补录")
    request_serial_code: str | None = Field(description="平台受理编号（requestSerialCode）")
    sent_at: datetime | None
    reason: str | None = Field(description="status=rejected 时平台给出的原因")
    delivered_at: datetime | None = Field(description="平台接受的时间")
    created_at: datetime


class PushQuery(ListQuery):
    status: PushStatusName | None = Field(default=None, title="推送状态",
                                          description="incomplete：资料不全的记录及补录位置；rejected：平台退回的记录及原因")


class PushEventPath(BaseModel):
    event_id: int = Field(ge=1, le=2**53)


class PlatformCodeIn(Strict):
    platform_code: str | None = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z-]+$", title="平台项目编码",
                                      description="全国建筑工人管理服务信息平台上项目登记后的项目编码；null 清除")


class PlatformCodeOut(BaseModel):
    project_id: int
    platform_code: str | None


class PushEventList(Listed):
    items: list[PushEventOut]


class RangeQuery(BaseModel):
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")


class DepositIn(Strict):
    amount_fen: int = Field(gt=0, le=10**13, description="存入金额（分）")
    deposited_on: date
    reference: str = Field(min_length=1, max_length=64, description="银行流水号")


class DepositOut(BaseModel):
    id: int
    project_id: int
    amount_fen: int
    deposited_on: date
    reference: str
    recorded_by: int
    created_at: datetime


class DepositList(Listed):
    items: list[DepositOut]
