"""Contracts: template, contract, signing, termination."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field, model_validator

from models import Contract, ContractAmendment
from schemas.common import Accepted, FromRow, Strict, UploadAnswer
from services.contracts.model_text import LABOUR_CLAUSES
from services.contracts.templates import PLACEHOLDERS, REQUIRED_PLACEHOLDERS, TemplateTerms

Status = Literal["unsigned", "signing", "awaiting_witness", "worker_signed", "employer_signed", "signed", "terminated"]
WageType = Literal["day", "piece", "month"]
Kind = Literal["labour_contract", "service_agreement"]
KindReason = Literal["retirement_age", "pension"]
STATUS_TEXT = ("unsigned 双方未签 / signing 工人签名核验中 / worker_signed 工人已签、待用人单位签 / "
               "employer_signed 用人单位已签、待工人签 / signed 双方已签（生效） / terminated 已解除")


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
                                    description="固定期限（月）；仅 term_type=fixed 时填写")
    term_type: Literal["task", "fixed", "open"] | None = Field(
        default=None, description="task 以完成一定工作任务为期限（示范文本默认）/ fixed 固定期限 / open 无固定期限；"
                                  "不填时按 term_months 推定")
    hours_system: Literal["standard", "comprehensive", "flexible"] = Field(
        default="standard", description="工时制度：standard 标准工时 / comprehensive 综合计算 / flexible 不定时")
    hours_approval_no: str | None = Field(default=None, min_length=2, max_length=64,
                                          description="综合计算或不定时工作制的人社部门批准文号（此时必填）")

    def terms(self) -> TemplateTerms:
        term_type = self.term_type or ("fixed" if self.term_months else "task")
        return TemplateTerms(**self.model_dump(exclude={"term_type"}), term_type=term_type, is_default=False)


class TemplateOut(BaseModel):
    title: str
    body: str
    wage_type: WageType
    wage_amount_fen: int | None
    pay_day: int
    term_months: int | None
    term_type: Literal["task", "fixed", "open"]
    hours_system: Literal["standard", "comprehensive", "flexible"]
    hours_approval_no: str | None
    is_default: bool = Field(description="true：使用内置示范文本（建办市〔2022〕58号）")
    placeholders: list[str] = Field(description="可用的占位符")
    required_placeholders: list[str] = Field(description="必须出现的占位符")
    required_clauses: list[str] = Field(description="必须按此顺序出现的条款标题（《劳动合同法》第十七条）")

    @classmethod
    def of(cls, t: TemplateTerms) -> TemplateOut:
        return cls(title=t.title, body=t.body, wage_type=t.wage_type,  # type: ignore[arg-type]
                   wage_amount_fen=t.wage_amount_fen, pay_day=t.pay_day, term_months=t.term_months,
                   term_type=t.term_type, hours_system=t.hours_system,  # type: ignore[arg-type]
                   hours_approval_no=t.hours_approval_no, is_default=t.is_default,
                   placeholders=sorted(PLACEHOLDERS), required_placeholders=sorted(REQUIRED_PLACEHOLDERS),
                   required_clauses=[heading for heading, _ in LABOUR_CLAUSES])


class ContractSummary(FromRow):
    id: int
    project_id: int
    status: Status
    kind: Kind
    title: str
    worker_name_masked: str
    employer_name: str
    wage_type: WageType
    wage_amount_fen: int
    created_at: dt.datetime


class ContractList(BaseModel):
    items: list[ContractSummary]


class ProjectContractsQuery(BaseModel):
    status: Status | None = Field(default=None, description="按状态筛选，如 worker_signed（待用人单位签署）")


class ContractOut(BaseModel):
    id: int
    project_id: int
    user_id: int
    team_id: int | None
    status: Status = Field(description=STATUS_TEXT)
    kind: Kind = Field(description="labour_contract 劳动合同 / service_agreement 用工书面协议（劳务协议）")
    kind_reason: KindReason | None = Field(description="用工书面协议的原因：retirement_age 已达法定退休年龄 / "
                                                       "pension 已领取养老金")
    title: str
    employer_name: str
    employer_company_id: int | None
    worker_name_masked: str
    trade: str
    wage_type: WageType
    wage_amount_fen: int = Field(description="工资标准（分）")
    pay_day: int
    term_start: dt.date
    term_end: dt.date | None = Field(description="null：以完成一定工作任务为期限")
    text: str = Field(description="合同全文（查看记入审计日志）")
    signing_check_id: int | None
    worker_signed_at: dt.datetime | None = Field(description="工人签署（人脸核验通过）时间")
    employer_signed_at: dt.datetime | None = Field(description="用人单位授权签署人签署时间")
    employer_signer_id: int | None
    employer_sign_method: Literal["handwritten", "seal"] | None = Field(
        description="用人单位签署方式：handwritten 授权签署人手写签名 / seal 电子印章")
    signed_at: dt.datetime | None = Field(description="双方签署完毕（合同生效）时间")
    witnessed_by: int | None = Field(description="不使用人脸核验时见证工人签名的劳资专管员 user id")
    witnessed_at: dt.datetime | None
    content_sha256: str | None = Field(description="签署后内容的 SHA-256，已记入审计链")
    termination_date: dt.date | None
    termination_reason: str | None
    created_at: dt.datetime
    signature_url: str | None = Field(default=None, json_schema_extra={"format": "uri"},
                                      description="手写签名图片的短期签名链接（<image src> 直接用，几分钟内有效）；未签名为 null")

    @classmethod
    def of(cls, c: Contract, text: str, signature_url: str | None = None) -> ContractOut:
        return cls.model_validate({**{k: getattr(c, k) for k in ContractOut.model_fields if k not in ("text", "signature_url")},
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
                                            "被动活体 1 张；项目要求动作验证时 2–3 张。不能与 face_check_id 同时给出。"
                                            "既不传自拍也不传 face_check_id 即为非人脸方式：合同进入 awaiting_witness，"
                                            "由劳资专管员见证（POST /contracts/{id}/witness）")
    challenge_nonce: str | None = Field(default=None, max_length=64, description="与 photo 一起上传、动作验证时必填")

    @model_validator(mode="after")
    def _one_selfie(self) -> SignForm:
        if self.face_check_id is not None and self.photo:
            raise ValueError("face_check_id 与 photo 只能给出一个")
        return self


class SignAccepted(Accepted):
    face_check_id: int | None = Field(description="人脸核验 id；非人脸方式为 null")
    status: Literal["signing", "awaiting_witness", "worker_signed", "signed"] = Field(
        description="signing：核验中，轮询 poll_url；awaiting_witness：已手写签名（非人脸方式），等待劳资专管员见证；"
                    "worker_signed：工人已签、待用人单位签署；signed：双方均已签署，合同生效")


class EmployerSignForm(BaseModel):
    signature: FileStorage | None = Field(default=None, description="用人单位授权签署人的手写签名 PNG")
    use_seal: bool = Field(default=False, description="true：加盖企业已登记的电子印章（不传 signature）")


class BatchEmployerSignForm(BaseModel):
    contract_ids: list[int] = Field(min_length=1, max_length=200, description="要签署的合同 id（可重复该字段）")
    signature: FileStorage | None = Field(default=None, description="授权签署人的手写签名 PNG，用于本批全部合同")
    use_seal: bool = Field(default=False, description="true：加盖企业已登记的电子印章（不传 signature）")


class SealForm(BaseModel):
    seal: FileStorage = Field(description="企业电子印章图片 PNG（透明背景，≤512 KB）")


class SkippedOut(BaseModel):
    contract_id: int
    code: str = Field(description="未签原因：CONTRACT_NOT_FOUND 非本企业/本项目合同；CONTRACT_EMPLOYER_ALREADY_SIGNED；"
                                  "CONTRACT_TERMINATED")


class BatchSignedOut(BaseModel):
    signed: list[ContractSummary]
    skipped: list[SkippedOut]


class WitnessIn(Strict):
    note: str = Field(min_length=2, max_length=256, title="见证说明",
                      description="如“工人本人在项目部当面手写签名，已核对身份证”")


class TerminateIn(Strict):
    reason: str = Field(min_length=2, max_length=256, description="解除（退场）原因")
    date: dt.date = Field(description="解除日期")


class AmendmentPath(BaseModel):
    amendment_id: int = Field(ge=1, le=2**53)


class AmendmentIn(Strict):
    wage_type: WageType | None = Field(default=None, description="不填：不变")
    wage_amount_fen: int | None = Field(default=None, ge=1, le=10_000_000, description="新的工资标准（分）；不填：不变")
    pay_day: int | None = Field(default=None, ge=1, le=31, description="新的发薪日；不填：不变")
    term_end: dt.date | None = Field(default=None, description="新的终止日期（续订）；不填：不变")
    effective_from: dt.date = Field(description="变更自哪天起执行")


class AmendmentOut(BaseModel):
    id: int
    contract_id: int
    status: Status = Field(description=STATUS_TEXT)
    title: str
    wage_type: WageType
    wage_amount_fen: int
    pay_day: int
    term_end: dt.date | None
    effective_from: dt.date
    text: str = Field(description="变更协议全文（查看记入审计日志）")
    worker_signed_at: dt.datetime | None
    witnessed_by: int | None = Field(description="不使用人脸核验时见证工人签名的劳资专管员 user id")
    witnessed_at: dt.datetime | None
    employer_signed_at: dt.datetime | None
    signed_at: dt.datetime | None
    content_sha256: str | None = Field(description="双方签署后内容的 SHA-256，已记入审计链")
    created_at: dt.datetime

    @classmethod
    def of(cls, a: ContractAmendment, text: str) -> AmendmentOut:
        return cls.model_validate({**{k: getattr(a, k) for k in AmendmentOut.model_fields if k != "text"}, "text": text})


class AmendmentSummary(FromRow):
    id: int
    contract_id: int
    status: Status
    wage_type: WageType
    wage_amount_fen: int
    pay_day: int
    term_end: dt.date | None
    effective_from: dt.date
    signed_at: dt.datetime | None


class AmendmentList(BaseModel):
    items: list[AmendmentSummary]


class ContractSignedOut(ContractOut, UploadAnswer):
    """A contract after a signature upload (employer-sign): the contract plus what wx.uploadFile cannot read."""


class BatchSignedUploadOut(BatchSignedOut, UploadAnswer):
    """The batch employer signature's answer plus what wx.uploadFile cannot read."""


class AmendmentSignedOut(AmendmentOut, UploadAnswer):
    """A 变更协议 after a signature upload, plus what wx.uploadFile cannot read."""
