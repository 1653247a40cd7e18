"""Contracts: template, contract, signing, termination."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field, model_validator

from models import Contract
from schemas.common import Accepted, FromRow, Strict
from services.contracts.templates import PLACEHOLDERS, TemplateTerms

Status = Literal["unsigned", "signing", "signed", "terminated"]
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
    status: Status = Field(description="unsigned 待签 / signing 核验中 / signed 已签 / terminated 已解除")
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
    content_sha256: str | None = Field(description="签署后内容的 SHA-256，已记入审计链")
    termination_date: dt.date | None
    termination_reason: str | None
    created_at: dt.datetime
    signature_url: str | None = Field(default=None, json_schema_extra={"format": "uri"},
                                      description="手写签名图片的短期签名链接（<image src> 直接用，几分钟内有效）；未签名为 null")

    @classmethod
    def of(cls, c: Contract, text: str, signature_url: str | None = None) -> ContractOut:
        return cls.model_validate({**{k: getattr(c, k) for k in cls.model_fields if k not in ("text", "signature_url")},
                                   "text": text, "signature_url": signature_url})


class SignForm(BaseModel):
    """Two single-file calls (what wx.uploadFile can send): the selfie first as a face check
    (kind=contract), then the signature with its ``face_check_id``. The two-file form
    (``photo`` beside ``signature``) stays for other clients."""

    signature: FileStorage = Field(description="手写签名 PNG（一个文件）")
    face_check_id: int | None = Field(default=None, ge=1, le=2**53, title="签约自拍核验编号",
                                      description="先 POST /faces/checks（kind=contract、project_id）得到的 check_id；"
                                      "小程序用这种两步方式（每次只传一个文件）")
    photo: list[FileStorage] = Field(default_factory=list, description="（非小程序客户端）自拍与签名一起上传："
                                            "被动活体 1 张；项目要求动作验证时 2–3 张。不能与 face_check_id 同时给出")
    challenge_nonce: str | None = Field(default=None, max_length=64, description="与 photo 一起上传、动作验证时必填")

    @model_validator(mode="after")
    def _one_selfie(self) -> SignForm:
        if self.face_check_id is not None and self.photo:
            raise ValueError("face_check_id 与 photo 只能给出一个")
        if self.face_check_id is None and not self.photo:
            raise ValueError("请先上传签约自拍（POST /faces/checks，kind=contract），再带 face_check_id 签署")
        return self


class SignAccepted(Accepted):
    face_check_id: int
    status: Literal["signing", "signed"] = Field(description="signing：核验中，轮询 poll_url；"
                                                  "signed：自拍已通过核验，合同已签署")


class TerminateIn(Strict):
    reason: str = Field(min_length=2, max_length=256, description="解除（退场）原因")
    date: dt.date = Field(description="解除日期")
