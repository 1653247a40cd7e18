"""Contracts: template, contract, signing, termination."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field

from models import Contract
from schemas.common import FromRow, Strict
from services.contracts.templates import PLACEHOLDERS, TemplateTerms

Status = Literal["unsigned", "signing", "awaiting_witness", "signed", "terminated"]
WageType = Literal["day", "piece", "month"]


class ContractPath(BaseModel):
    contract_id: int = Field(ge=1, le=2**53)


class TemplateIn(Strict):
    title: str = Field(min_length=2, max_length=128)
    body: str = Field(min_length=20, max_length=20000, description="合同正文，可含占位符，如 {worker_name}")
    wage_type: WageType = Field(description="day 计日 / piece 计件 / month 计月")
    wage_amount_fen: int | None = Field(default=None, ge=1, le=10_000_000,
                                        description="金额（分）；计日可留空，取班组日工资")
    pay_day: int = Field(ge=1, le=31, description="每月几日前发放上月工资")
    term_months: int | None = Field(default=None, ge=1, le=60,
                                    description="固定期限（月）；留空为以完成一定工作任务为期限")


class TemplateOut(BaseModel):
    title: str
    body: str
    wage_type: WageType
    wage_amount_fen: int | None
    pay_day: int
    term_months: int | None
    is_default: bool = Field(description="true：使用内置示范文本（建办市〔2022〕58号）")
    placeholders: list[str] = Field(description="可用的占位符")

    @classmethod
    def of(cls, t: TemplateTerms) -> TemplateOut:
        return cls(title=t.title, body=t.body, wage_type=t.wage_type,  # type: ignore[arg-type]
                   wage_amount_fen=t.wage_amount_fen, pay_day=t.pay_day, term_months=t.term_months,
                   is_default=t.is_default, placeholders=sorted(PLACEHOLDERS))


class ContractSummary(FromRow):
    id: int
    project_id: int
    status: Status
    title: str
    wage_type: WageType
    wage_amount_fen: int
    created_at: dt.datetime


class ContractList(BaseModel):
    items: list[ContractSummary]


class ContractOut(BaseModel):
    id: int
    project_id: int
    user_id: int
    team_id: int | None
    status: Status = Field(description="unsigned 待签 / signing 核验中 / awaiting_witness 已手写签名、待劳资专管员见证 / "
                                       "signed 已签 / terminated 已解除")
    title: str
    employer_name: str
    worker_name_masked: str
    trade: str
    wage_type: WageType
    wage_amount_fen: int = Field(description="工资标准（分）")
    pay_day: int
    term_start: dt.date
    term_end: dt.date | None = Field(description="null：以完成一定工作任务为期限")
    text: str = Field(description="合同全文（查看记入审计日志）")
    signing_check_id: int | None
    signed_at: dt.datetime | None
    witnessed_by: int | None = Field(description="不使用人脸核验时见证工人签名的劳资专管员 user id")
    witnessed_at: dt.datetime | None
    content_sha256: str | None = Field(description="签署后内容的 SHA-256，已记入审计链")
    termination_date: dt.date | None
    termination_reason: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, c: Contract, text: str) -> ContractOut:
        return cls.model_validate({**{k: getattr(c, k) for k in cls.model_fields if k != "text"}, "text": text})


class SignForm(BaseModel):
    signature: FileStorage = Field(description="手写签名 PNG")
    photo: list[FileStorage] = Field(default_factory=list, description=(
        "自拍：被动活体 1 张；项目要求动作验证时 2–3 张。不传自拍即为非人脸方式：合同进入 awaiting_witness，"
        "由劳资专管员见证（POST /contracts/{id}/witness）"))
    challenge_nonce: str | None = Field(default=None, max_length=64, description="动作验证时必填")


class SignAccepted(BaseModel):
    face_check_id: int | None = Field(description="人脸核验 id；非人脸方式为 null")
    status: Literal["signing", "awaiting_witness"] = Field(
        description="signing：人脸核验中；awaiting_witness：已手写签名，等待劳资专管员见证")
    poll_url: str | None = Field(description="人脸核验结果（通过后合同变为 signed）；非人脸方式为 null")


class WitnessIn(Strict):
    note: str = Field(min_length=2, max_length=256, title="见证说明",
                      description="如“工人本人在项目部当面手写签名，已核对身份证”")


class TerminateIn(Strict):
    reason: str = Field(min_length=2, max_length=256, description="解除（退场）原因")
    date: dt.date = Field(description="解除日期")
