"""The national platform's objects, one pydantic model per method, as the data standard and the
open-source client ibisTime/xn-gchf define them (its request classes XN631908Req Team,
XN631911Req/ReqWorker ProjectWorker, XN631914Req/ReqWorker WorkerEntryExit, XN631916Req/ReqContract
WorkerContract, XN631918Req/ReqData WorkerAttendance, XN631920Req/ReqDateil Payroll: ``@NotBlank``
there is a required field here). Values are checked in clear (ID check digit, codes from the
dictionaries) before the ID and card numbers are encrypted for the wire.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from services.platform_push.dictionaries import load

Text = Annotated[str, Field(min_length=1)]
DATE = r"^\d{4}-\d{2}-\d{2}$"
Day = Annotated[str, Field(pattern=DATE)]
Money = Annotated[str, Field(pattern=r"^\d+(\.\d{1,2})?$")]


def _code(dictionary: str):
    def check(value: str) -> str:
        if value not in load(dictionary).codes:
            raise ValueError(f"不在{load(dictionary).title}代码表中")
        return value
    return AfterValidator(check)


def _id_number(value: str) -> str:
    try:
        return ric.validate(value)
    except StdnumError as exc:
        raise ValueError(f"身份证号无效（{type(exc).__name__}）") from exc


def _validity_end(value: str) -> str:
    if value != "长期" and not re.match(DATE, value):
        raise ValueError("应为 YYYY-MM-DD 或 长期")
    return value


IdNumber = Annotated[str, AfterValidator(_id_number)]
IdCardType = Literal["01"]  # 居民身份证; the full 证件类型 list arrives with issue 27
Phone = Annotated[str, Field(pattern=r"^1\d{10}$")]


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TeamAdd(Wire):
    """Team.Add: the platform answers teamSysNo in the asynchronous result."""

    projectCode: Text
    corpCode: Text
    corpName: Text
    teamName: Text
    teamLeaderName: Text
    teamLeaderPhone: Phone
    teamLeaderIdcardType: IdCardType
    teamLeaderIdNumber: IdNumber
    responsiblePersonName: Text
    responsiblePersonPhone: Phone
    responsiblePersonIdcardType: IdCardType
    responsiblePersonIdNumber: IdNumber
    entryTime: Day
    thirdSerialCode: Text


class ProjectWorkerItem(Wire):
    workerName: Text
    isTeamLeader: Literal["0", "1"]
    idCardType: IdCardType
    idCardNumber: IdNumber
    workType: Annotated[str, _code("work_type")]
    workRole: Annotated[str, _code("work_role")]
    nation: Annotated[str, Field(min_length=1)]
    address: Text
    headImage: Text
    politicsType: Annotated[str, _code("politics_type")]
    cultureLevelType: Annotated[str, _code("culture_level_type")]
    cellPhone: Phone
    grantOrg: Text
    startDate: Day
    expiryDate: Annotated[str, AfterValidator(_validity_end)]
    workDate: Day
    payRollBankCardNumber: str | None = None
    payRollBankName: str | None = None
    payRollTopBankCode: Annotated[str, _code("bank_code")] | None = None
    urgentLinkMan: str | None = None
    urgentLinkManPhone: str | None = None

    @model_validator(mode="after")
    def _nation_listed(self) -> ProjectWorkerItem:
        if load("nation").code_of(self.nation) is None:
            raise ValueError("nation: 不在民族代码表中")
        return self


class TeamHeader(Wire):
    projectCode: Text
    corpCode: Text
    corpName: Text
    teamSysNo: Text


class ProjectWorkerAdd(TeamHeader):
    teamName: Text
    workerList: Annotated[list[ProjectWorkerItem], Field(min_length=1)]
    thirdSerialCode: Text


class EntryExitItem(Wire):
    idCardType: IdCardType
    idCardNumber: IdNumber
    date: Day
    type: Annotated[str, _code("entry_exit_type")]
    voucher: Text


class WorkerEntryExitAdd(TeamHeader):
    workerList: Annotated[list[EntryExitItem], Field(min_length=1)]
    thirdSerialCode: Text


class ContractItem(Wire):
    corpCode: Text
    corpName: Text
    idCardType: IdCardType
    idCardNumber: IdNumber
    contractPeriodType: Literal["0", "1"]  # 0 固定期限, 1 以完成一定工作为期限
    startDate: Day
    endDate: Day
    unit: Annotated[str, _code("unit")] | None = None
    unitPrice: Money | None = None


class WorkerContractAdd(Wire):
    projectCode: Text
    contractList: Annotated[list[ContractItem], Field(min_length=1)]
    thirdSerialCode: Text


class AttendanceItem(Wire):
    idCardType: IdCardType
    idCardNumber: IdNumber
    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")]
    direction: Annotated[str, _code("direction")]
    attendType: Literal["001", "011"]  # 001 人脸识别 (face clock), 011 其他方式 (witnessed by the leader)
    channel: Text
    image: str | None = None
    lng: Text
    lat: Text

    @model_validator(mode="after")
    def _face_has_image(self) -> AttendanceItem:
        if self.attendType == "001" and not self.image:
            raise ValueError("image: 人脸考勤须附刷脸照片")
        return self


class WorkerAttendanceAdd(Wire):
    projectCode: Text
    teamSysNo: Text
    dataList: Annotated[list[AttendanceItem], Field(min_length=1)]
    thirdSerialCode: Text


class PayrollItem(Wire):
    idCardType: IdCardType
    idCardNumber: IdNumber
    days: str
    workHours: str
    payRollBankCardNumber: Text
    payRollBankCode: Annotated[str, _code("bank_code")]
    payRollBankName: Text
    payBankCardNumber: Text
    payBankCode: Annotated[str, _code("bank_code")]
    payBankName: Text
    totalPayAmount: Money
    actualAmount: Money
    isBackPay: Literal["0", "1"]
    backPayMonth: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")] | None = None
    balanceDate: Day
    thirdPayRollCode: Text

    @model_validator(mode="after")
    def _back_pay_month(self) -> PayrollItem:
        if self.isBackPay == "1" and not self.backPayMonth:
            raise ValueError("backPayMonth: 补发工资须写明补发月份")
        return self


class PayrollAdd(TeamHeader):
    payMonth: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]
    detailList: Annotated[list[PayrollItem], Field(min_length=1)]
    thirdSerialCode: Text


METHODS: dict[str, type[Wire]] = {
    "Team.Add": TeamAdd,
    "ProjectWorker.Add": ProjectWorkerAdd,
    "WorkerEntryExit.Add": WorkerEntryExitAdd,
    "WorkerContract.Add": WorkerContractAdd,
    "WorkerAttendance.Add": WorkerAttendanceAdd,
    "Payroll.Add": PayrollAdd,
}
# sent AES-encrypted (infra/platform_protocol.encrypt_field) once the clear object passed its schema
ENCRYPTED = ("idCardNumber", "teamLeaderIdNumber", "responsiblePersonIdNumber", "payRollBankCardNumber",
             "payBankCardNumber")


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
