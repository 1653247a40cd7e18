"""The mini-program's runtime settings (GET /miniprogram/config) and the signed media link."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from services.media_links import KINDS

MediaKind = Literal["clock-photo", "contract-signature", "payslip-signature"]
assert set(MediaKind.__args__) == set(KINDS)  # type: ignore[attr-defined]


class SubscribeTemplate(BaseModel):
    template_id: str = Field(description="订阅消息模板 id：原样传给 wx.requestSubscribeMessage({tmplIds: [...]})")
    fields: dict[str, str] = Field(description="后端填写的模板关键词：我们的值 → 模板关键词，"
                                   "如 {\"title\": \"thing1\", \"project\": \"thing2\", \"amount\": \"amount3\", "
                                   "\"date\": \"date4\"}（title 月份+“工资条”，project 项目名，amount 实发金额“x.xx元”，"
                                   "date 发送日期 YYYY-MM-DD）")
    page: str = Field(description="用户点开消息后进入的小程序页面（带 id=工资条 id）")


class UploadLimits(BaseModel):
    request_max_bytes: int = Field(description="一次 multipart 上传（wx.uploadFile）的上限（字节）")
    json_max_bytes: int = Field(description="JSON 请求体上限（字节）")
    photo_max_bytes: int = Field(description="一张照片（JPG/PNG）的上限（字节）；先 wx.compressImage 压到长边 ≤ photo_max_side")
    photo_max_side: int = Field(description="建议的照片长边（像素）")
    signature_max_bytes: int = Field(description="手写签名 PNG 的上限（字节）")
    files_per_upload: int = Field(description="wx.uploadFile 一次只能传的文件数：1（其他字段放 formData，均为字符串）")


class PollIntervals(BaseModel):
    face_check_seconds: int = Field(description="轮询人脸核验结果（poll_url）的间隔（秒）；也见回答的 retry_after")
    clock_seconds: int = Field(description="轮询打卡结果的间隔（秒）")
    give_up_after_seconds: int = Field(description="轮询这么久仍为 pending 时提示“网络或服务繁忙”，稍后再继续轮询同一地址")


class MiniProgramConfig(BaseModel):
    """No secrets: what the phone must use as the backend does."""

    payslip_ready: SubscribeTemplate = Field(description="“工资条已生成”订阅消息")
    uploads: UploadLimits
    polling: PollIntervals
    media_link_seconds: int = Field(description="photo_url / signature_url（<image> 用的签名链接）的有效期（秒，约几分钟）；"
                                    "过期后重新获取含链接的数据")


class MediaPath(BaseModel):
    kind: MediaKind
    object_id: int = Field(ge=1, le=2**53)


class MediaQuery(BaseModel):
    v: int = Field(ge=1, le=2**53, description="链接签发给的查看人")
    e: int = Field(ge=0, le=2**40, description="过期时刻（Unix 秒）")
    s: str = Field(min_length=8, max_length=64, description="签名")
