"""What a WeChat mini-program needs beyond the areas' routes: its runtime settings, the signed
image links ``<image src>`` can open (no headers, so no bearer token), and the web-view
business-domain check file WeChat fetches from the domain root."""

from __future__ import annotations

from flask import Flask, Response, current_app, url_for
from werkzeug.exceptions import NotFound as HTTPNotFound

from blueprints.api import answer, api_blueprint, writes
from blueprints.contract import raises
from blueprints.mobile import etag
from schemas.miniprogram import (
    MediaPath,
    MediaQuery,
    MiniProgramConfig,
    PollIntervals,
    SubscribeTemplate,
    UploadLimits,
)
from services import contracts, media_links, miniprogram
from services.attendance import access
from services.contracts.signing import SIGNATURE_MAX_BYTES
from services.payroll import slips
from services.payroll.notify import PAYSLIP_PAGE
from services.settings import settings

public = api_blueprint("miniprogram", __name__, "miniprogram",
                       "小程序运行所需：配置（订阅消息模板、上传上限、轮询间隔）、<image> 用的短期签名图片链接", secured=False)

PHOTO_MAX_SIDE = 1280  # the face engine works at this long side; more is only bytes on the air

# kind -> the area's audited read, run as the viewer the link was made for
READERS = {
    "clock-photo": access.clock_photo,
    "contract-signature": contracts.signature_image,
    "payslip-signature": slips.signature_image,
}


def media_url(kind: str, object_id: int, viewer: int) -> str:
    """The absolute, short-lived link to one image for one viewer (services/media_links.py)."""
    link = media_links.make_link(kind, object_id, viewer)
    return url_for("miniprogram.get_media", kind=kind, object_id=object_id, v=link.viewer, e=link.expires,
                   s=link.sig, _external=True)


@public.get("/miniprogram/config", responses={200: MiniProgramConfig},
            summary="小程序配置（无需登录，不含任何密钥）：订阅消息模板 id 与字段、上传上限、轮询间隔")
@raises()
@etag
def get_config():
    s = settings()
    mp = s.miniprogram
    request_max = int(current_app.config["MAX_CONTENT_LENGTH"])
    return answer(MiniProgramConfig(
        payslip_ready=SubscribeTemplate(template_id=mp.payslip_template_id, fields=mp.payslip_template_fields,
                                        page=PAYSLIP_PAGE.format(line_id="<工资条 id>")),
        uploads=UploadLimits(request_max_bytes=request_max, json_max_bytes=int(current_app.config["JSON_MAX_BYTES"]),
                             photo_max_bytes=min(s.faces.engine.max_bytes, request_max), photo_max_side=PHOTO_MAX_SIDE,
                             signature_max_bytes=SIGNATURE_MAX_BYTES, files_per_upload=1),
        polling=PollIntervals(face_check_seconds=miniprogram.POLL_SECONDS, clock_seconds=miniprogram.POLL_SECONDS,
                              give_up_after_seconds=miniprogram.POLL_FOR_SECONDS),
        media_link_seconds=mp.media_link_seconds,
    ))


@public.get("/media/<kind>/<int:object_id>", responses={200: None},
            summary="图片（考勤照片、手写签名）的短期签名链接：<image src> 直接打开，无需令牌（每次查看记录审计）")
@writes
@raises("MEDIA_LINK_INVALID", "EVIDENCE_NOT_AVAILABLE", "CLOCK_NOT_FOUND", "CONTRACT_NOT_FOUND", "PAYSLIP_NOT_FOUND",
        "PROJECT_NOT_FOUND", "FORBIDDEN")
def get_media(path: MediaPath, query: MediaQuery):
    viewer = media_links.check_link(path.kind, path.object_id, query.v, query.e, query.s)
    image = READERS[path.kind](viewer, path.object_id)
    mimetype = "image/png" if image.startswith(b"\x89PNG") else "image/jpeg"
    return Response(image, mimetype=mimetype)


def _verification_file(name: str) -> Response:
    content = miniprogram.verification_file(settings().miniprogram, name)
    if content is None:
        raise HTTPNotFound()
    return Response(content, mimetype="text/plain")


def register(app: Flask) -> None:
    """Serve the business-domain (业务域名) check file at the root path WeChat asks for, when configured."""
    name = app.config.get("WEBVIEW_VERIFY_FILE")
    if name:
        miniprogram.miniprogram_settings_from(app.config)  # refuse a bad name at start
        app.add_url_rule(f"/{name}", "webview_verify_file", lambda: _verification_file(name))
