"""Attendance: request and response models (they also write the OpenAPI document)."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from schemas.common import Accepted, Strict

Id = Field(ge=1, le=2**53)
DirectionT = Literal["in", "out"]
DayStatusT = Literal["present", "half", "absent", "missing_out"]
ClockStatusT = Literal["pending", "accepted", "flagged", "retry", "rejected"]
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class Located(Strict):
    lat: float = Field(ge=-90, le=90, description="纬度（GCJ-02，wx.getLocation type=gcj02）")
    lng: float = Field(ge=-180, le=180, description="经度（GCJ-02）")
    accuracy_m: float = Field(ge=0, le=100_000, description="wx.getLocation 返回的 accuracy（米）")
    direction: DirectionT = Field(description="in 上班 / out 下班")
    taken_at: AwareDatetime = Field(description="手机上打卡的时间（带时区，如 2026-11-26T07:02:00+08:00）；离线打卡联网后补传")


class ClockIn(Located):
    project_id: int = Id
    face_check_id: int = Field(ge=1, le=2**53, description="先上传的考勤自拍（POST /faces/checks, kind=clock）")
    device_id: str | None = Field(default=None, max_length=64,
                                  description="可选：手机的本地标识（小程序首次启动时生成并保存），用于发现一机多人打卡")


class WitnessedClockIn(Located):
    user_id: int = Id
    note: str = Field(min_length=2, max_length=200, description="见证说明，如“人脸识别多次失败，本人在场”")


class ClockPath(BaseModel):
    clock_id: int = Id


class ClockAccepted(Accepted):
    id: int
    status: ClockStatusT
    merged: bool = Field(default=False, description="短时间内重复打卡，已合并到此前的打卡记录")


class FlagOut(BaseModel):
    code: str
    message: str


class ClockOut(BaseModel):
    id: int
    project_id: int
    user_id: int
    team_id: int | None
    direction: DirectionT
    source: Literal["face", "witnessed"]
    status: ClockStatusT
    reason_code: str | None = Field(description="未计入或需重拍的原因码")
    message: str | None = Field(description="可直接展示给工人的中文说明")
    flags: list[FlagOut]
    taken_at: datetime
    received_at: datetime
    date: Date = Field(description="所属考勤日（北京时间，考虑项目的跨夜班分界）")
    lat: float
    lng: float
    accuracy_m: float
    distance_m: float | None = Field(description="距电子围栏边界的距离（米，围栏内为 0）")
    face_check_id: int | None
    merged_count: int
    witnessed_by: int | None
    note: str | None
    buddy_user_id: int | None = Field(default=None, description="代打卡：自拍相符的另一名工人（仅劳资专管员可见）")
    photo_url: str | None = Field(default=None, json_schema_extra={"format": "uri"},
                                  description="考勤照片的短期签名链接（完整 https 地址，几分钟内有效，只给本人用；"
                                  "可直接作 <image src>，不需要令牌）。班组长、劳资专管员可见，保留期内")


class TeamDayPath(BaseModel):
    team_id: int = Id
    date: Date


class TeamDayItem(BaseModel):
    user_id: int
    name_masked: str
    status: DayStatusT
    worked_minutes: int
    computed_status: DayStatusT = Field(description="按打卡计算的状态（更正前）")
    computed_worked_minutes: int
    first_in: datetime | None
    last_out: datetime | None
    flags: list[FlagOut]
    confirmed: bool
    confirmed_at: datetime | None
    corrected: bool
    clocks: list[ClockOut]


class TeamDayOut(BaseModel):
    team_id: int
    date: Date
    locked: bool = Field(description="该月工资已审批，考勤已锁定")
    items: list[TeamDayItem]


class CorrectionIn(Strict):
    user_id: int = Id
    status: DayStatusT
    worked_minutes: int = Field(ge=0, le=1440)
    reason: str | None = Field(default=None, max_length=200, description="必填：更正原因")


class ConfirmIn(Strict):
    user_ids: list[int] | None = Field(default=None, max_length=500, description="不填则确认全班组")
    corrections: list[CorrectionIn] | None = Field(default=None, max_length=500)


class ConfirmedDay(BaseModel):
    user_id: int
    date: Date
    status: DayStatusT
    worked_minutes: int
    corrected: bool
    confirmed_at: datetime


class ConfirmOut(BaseModel):
    items: list[ConfirmedDay]


class MonthQuery(BaseModel):
    project_id: int = Id
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")


class TeamMonthQuery(BaseModel):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")


class CorrectionOut(BaseModel):
    from_status: str
    from_worked_minutes: int
    to_status: str
    to_worked_minutes: int
    reason: str
    corrected_at: datetime


class DisputeOut(BaseModel):
    id: int
    project_id: int
    user_id: int
    date: Date
    reason: str
    status: Literal["open", "resolved"]
    resolution: str | None
    resolved_by: int | None
    resolved_at: datetime | None
    created_at: datetime


class MyDayOut(BaseModel):
    date: Date
    status: DayStatusT
    status_text: str
    worked_minutes: int
    first_in: datetime | None
    last_out: datetime | None
    confirmed: bool
    confirmed_at: datetime | None
    corrections: list[CorrectionOut]
    flags: list[FlagOut]
    explanation: str = Field(description="这一天为什么算或不算（中文）")
    clocks: list[ClockOut]
    disputes: list[DisputeOut]
    locked: bool


class MyMonthOut(BaseModel):
    items: list[MyDayOut]


class MyDayPath(BaseModel):
    date: Date


class DisputeIn(Strict):
    project_id: int = Id
    reason: str = Field(min_length=2, max_length=500)


class DisputePath(BaseModel):
    dispute_id: int = Id


class ResolveIn(Strict):
    resolution: str = Field(min_length=2, max_length=500)
