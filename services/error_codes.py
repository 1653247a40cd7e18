"""The error catalogue: every code the API can answer, in one place.

Each entry: the HTTP status, the short Chinese message shown to the worker, when it happens
and what the mini-program should do, and how to retry. Services raise by code
(``raise DomainError("PROJECT_NOT_FOUND")``), routes declare the codes they can answer
(blueprints/contract.py), the OpenAPI document lists them per response, and the table in
miniprogram_api_docs/README.md is generated from here (``flask --app app openapi guide``).

``status=None`` marks a face-check result reason: it never is an HTTP error, it arrives as
``reason_code`` in the polled result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.error_codes_contracts import CONTRACT_PARTY_CODES
from services.error_codes_duties import DUTY_CODES
from services.identity.codes import IDENTITY_CODES

Retry = Literal["never", "fix", "same_key", "new_key", "login", "restart"]

RETRY_TEXT: dict[str, str] = {
    "never": "不要自动重试",
    "fix": "按提示修改后再提交，用新的 Idempotency-Key",
    "same_key": "稍后原样重发，用同一个 Idempotency-Key",
    "new_key": "重新拍照/操作后再提交，用新的 Idempotency-Key",
    "login": "重新 wx.login 并登录后重发",
    "restart": "重新开始流程（如重新获取动作指令），用新的 Idempotency-Key",
}


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int | None
    message: str
    when: str
    action: str
    retry: Retry
    area: str = "common"
    retry_after: int | None = None  # seconds, sent as Retry-After with the error


def _codes(*entries: ErrorCode) -> dict[str, ErrorCode]:
    catalogue: dict[str, ErrorCode] = {}
    for entry in entries:
        assert entry.code not in catalogue, entry.code
        catalogue[entry.code] = entry
    return catalogue


E = ErrorCode
CATALOGUE: dict[str, ErrorCode] = _codes(
    # ---- every endpoint: the request itself
    E("BAD_REQUEST", 400, "请求格式不正确", "请求无法解析（如 multipart 格式损坏）", "检查请求的拼装方式", "fix"),
    E("INVALID_JSON", 400, "请求体不是合法的 JSON", "Content-Type 为 JSON 但请求体无法解析", "检查请求体的序列化", "fix"),
    E("JSON_TOO_DEEP", 400, "请求体嵌套层级过深", "JSON 嵌套了成千上万层", "检查请求体的序列化", "fix"),
    E("HTTP_ERROR", 400, "请求无法处理", "其他少见的 HTTP 层错误", "记录 X-Request-Id 并反馈", "never"),
    E("UNAUTHENTICATED", 401, "未登录或登录已过期，请重新登录", "缺少或格式错误的 Authorization 头",
      "重新 wx.login() 并登录，无需打扰用户", "login"),
    E("TOKEN_EXPIRED", 401, "登录已过期，请重新登录", "令牌超过有效期（expires_in）", "重新 wx.login() 并登录", "login"),
    E("TOKEN_INVALID", 401, "登录凭证无效，请重新登录", "令牌签名不对（被改动或来自其他环境）", "重新 wx.login() 并登录",
      "login"),
    E("TOKEN_REVOKED", 401, "登录凭证已失效，请重新登录", "用户已“注销所有令牌”或账号被重置", "重新 wx.login() 并登录",
      "login"),
    E("FORBIDDEN", 403, "没有权限进行此操作", "是项目成员，但当前角色不允许此操作", "提示用户联系项目管理员", "never"),
    E("NOT_FOUND", 404, "请求的资源不存在", "路径不存在（拼写错误或接口版本不对）", "检查请求路径", "never"),
    E("METHOD_NOT_ALLOWED", 405, "不支持该请求方法", "路径存在，但不支持该 HTTP 方法", "按文档使用 GET/POST/PUT/DELETE（小程序的 wx.request 不支持 PATCH，修改类接口都可用 PUT）",
      "never"),
    E("CONFLICT", 409, "数据已被其他请求修改，请刷新后重试", "并发修改同一数据，提交时发生唯一性冲突",
      "重新读取最新数据后再提交", "fix"),
    E("PAYLOAD_TOO_LARGE", 413, "上传内容过大", "JSON 请求体超过 256 KB，或照片上传超过 8 MB（details.max_bytes）",
      "压缩照片（≤1280 像素，质量约 80）后重传", "new_key"),
    E("UNSUPPORTED_MEDIA_TYPE", 415, "请求内容类型不受支持，请使用 application/json",
      "Content-Type 不是 application/json 或 multipart/form-data", "设置正确的 Content-Type", "fix"),
    E("VALIDATION_FAILED", 422, "提交的内容不符合要求，请检查后重试",
      "字段缺失、类型或范围不对；details.fields[] 逐项给出 loc、type 和中文 msg", "在对应字段旁显示 msg，修改后再提交",
      "fix"),
    E("CURSOR_INVALID", 422, "分页参数无效，请从第一页重新加载", "cursor 不是本接口返回的 next_cursor",
      "去掉 cursor 从第一页重新加载", "fix"),
    E("RATE_LIMITED", 429, "操作过于频繁，请稍后再试",
      "同一用户或同一 IP 在短时间内请求过多（登录、加入项目、接受邀请、查看手机号、人脸核验）",
      "展示 message，按 Retry-After（= details.retry_after_seconds）秒禁用该按钮；自动重试只会继续被拒绝", "never"),
    E("TOO_MANY_REQUESTS", 429, "请求过于频繁，请稍后再试", "超过频率限制", "按 Retry-After 秒数等待后重发", "same_key", retry_after=5),
    E("INTERNAL_ERROR", 500, "服务器开小差了，请稍后再试", "服务器内部错误（已记录日志）",
      "提示稍后再试；反馈时附上 X-Request-Id", "same_key"),
    E("SERVICE_UNAVAILABLE", 503, "服务暂时不可用，请稍后再试", "依赖的服务暂不可用", "等几秒后原样重发", "same_key", retry_after=5),
    E("STORAGE_UNAVAILABLE", 503, "文件存储暂时不可用，请稍后再试", "对象存储（文件夹或 S3）无法写入或读取，本次提交未生效",
      "等几秒后原样重发", "same_key", retry_after=5),
    E("DATABASE_BUSY", 503, "系统繁忙，请稍后再试", "数据库繁忙，本次提交未生效", "等几秒后原样重发", "same_key", retry_after=2),
    # ---- Idempotency-Key (every POST with a token)
    E("IDEMPOTENCY_KEY_INVALID", 422, "Idempotency-Key 长度须为1到128个可见字符", "Idempotency-Key 为空、过长或含不可见字符",
      "每次用户操作生成一个 UUID 作为 key", "fix"),
    E("IDEMPOTENCY_KEY_REUSED", 422, "同一个 Idempotency-Key 不能用于不同的请求",
      "同一个 key 用于内容不同的请求（例如重拍后的新照片）", "新内容（重拍、改字段）要用新的 key", "new_key"),
    E("IDEMPOTENCY_IN_PROGRESS", 409, "相同请求正在处理中，请稍后再试", "同一个 key 的第一次请求还没处理完",
      "1–2 秒后用同一个 key 重发，会得到第一次的回答", "same_key", retry_after=1),
    # ---- auth, WeChat, consents
    E("WECHAT_CODE_INVALID", 400, "登录凭证无效或已过期，请重新进入小程序", "wx.login 的 code 无效、已用过或已过期（5 分钟）",
      "重新调用 wx.login() 取新 code 再登录", "login", "auth"),
    E("WECHAT_PHONE_CODE_INVALID", 400, "手机号授权已失效，请重新点击获取手机号",
      "getPhoneNumber 的 code 无效、已用过或已过期", "让用户重新点击“获取手机号”按钮，用新 code 提交", "fix", "auth"),
    E("WECHAT_RATE_LIMITED", 429, "微信接口繁忙，请稍后再试", "微信接口限流", "等几秒后重试", "same_key", "auth", retry_after=5),
    E("WECHAT_NOT_CONFIGURED", 503, "微信登录暂未配置，请联系管理员", "服务端未配置小程序 AppID/Secret", "联系后端管理员",
      "never", "auth"),
    E("WECHAT_UNAVAILABLE", 503, "微信服务暂时不可用，请稍后再试", "微信接口超时或无法连接", "等几秒后重试", "same_key",
      "auth", retry_after=5),
    E("WECHAT_ERROR", 503, "微信服务返回错误，请稍后再试", "微信接口返回了未预期的错误码（details.errcode）",
      "稍后重试；持续出现请反馈", "same_key", "auth", retry_after=10),
    E("CONSENT_REQUIRED", 403, "请先阅读并同意相关授权", "未同意所需授权（details.kind，如 biometric 人脸识别）",
      "展示授权说明，同意后 POST /me/consents，再重试原操作", "fix", "auth"),
    E("USER_NOT_FOUND", 404, "用户不存在", "指定的用户 id 不存在", "检查 user_id", "never", "org"),
    # ---- org
    E("USCC_INVALID", 422, "统一社会信用代码格式或校验位不正确", "统一社会信用代码不是 18 位或校验位错误",
      "请用户核对营业执照上的代码", "fix", "org"),
    E("COMPANY_EXISTS", 409, "该统一社会信用代码的企业已登记", "同一统一社会信用代码的企业已存在（details.uscc）",
      "直接使用已登记的企业", "never", "org"),
    E("COMPANY_NOT_FOUND", 404, "企业不存在", "企业 id 不存在", "检查 company_id", "never", "org"),
    E("WAGE_ACCOUNT_INVALID", 422, "工资专用账户账号应为8到32位数字", "工资专用账户账号不是 8–32 位数字",
      "请用户核对开户许可证上的账号", "fix", "org"),
    E("JOIN_CODE_TAKEN", 409, "项目码已被使用", "生成的项目码与已有项目冲突（极少见）", "原样重试", "same_key", "org", retry_after=1),
    E("PROJECT_NOT_FOUND", 404, "项目不存在或您不是该项目成员", "项目不存在，或调用者不是该项目成员（不暴露项目是否存在）",
      "返回项目列表；工人需先凭项目码加入", "never", "org"),
    E("PARTICIPANT_EXISTS", 409, "该企业已以此身份参建本项目", "该企业已以同一身份加入项目", "无需重复添加", "never", "org"),
    E("COMPANY_NOT_PARTICIPANT", 422, "该企业不是本项目的参建单位",
      "班组所属企业，或邀请 employer_signatory 时的 company_id（缺失或）不是本项目的参建单位",
      "先添加参建单位，或选择其他企业", "fix", "org"),
    E("LEADER_NOT_MEMBER", 422, "班组长须是本项目的在岗成员，请先邀请其加入项目",
      "leader_user_id 不是本项目的在岗成员", "先邀请其加入项目，或选择其他人", "fix", "org"),
    E("MEMBERSHIP_CHANGED", 409, "成员身份已被其他请求修改，请刷新后重试", "两个请求同时修改同一成员", "刷新成员列表后再提交",
      "fix", "org"),
    E("TEAM_CHANGE_NEEDS_REVIEW", 409, "您已在本项目的班组中，调换班组请联系劳资专管员",
      "已在岗的工人用项目码申请换班组", "提示联系劳资专管员", "never", "org"),
    E("ALREADY_JOINED", 409, "已提交加入申请，请勿重复提交", "同一项目的加入申请已在审核中", "提示等待审核", "never", "org"),
    E("INVITATION_NOT_FOUND", 404, "邀请码无效，请向项目管理员核对", "邀请码不存在", "请用户核对邀请码", "fix", "org"),
    E("INVITATION_USED", 409, "该邀请码已被使用", "邀请码已被接受过", "请项目管理员重新邀请", "never", "org"),
    E("INVITATION_EXPIRED", 422, "邀请码已过期，请联系项目管理员重新邀请", "邀请码超过有效期", "请项目管理员重新邀请",
      "never", "org"),
    E("TEAM_EXISTS", 409, "本项目已有同名班组", "同一项目内班组重名", "换一个班组名称", "fix", "org"),
    E("TEAM_NOT_FOUND", 404, "班组不存在", "班组不存在，或不在调用者可见的项目中", "刷新班组列表", "never", "org"),
    E("TEAM_REQUIRED", 422, "班组长和工人必须指定本项目的班组", "授予班组长/工人角色时没有给出本项目的班组",
      "选择班组后再提交", "fix", "org"),
    E("JOIN_CODE_INVALID", 404, "项目码不存在，请向项目部核对", "项目码不存在", "请工人向项目部核对项目码", "fix", "org"),
    E("TEAM_NOT_IN_PROJECT", 422, "所选班组不属于该项目", "team_id 不属于项目码对应的项目", "重新选择班组", "fix", "org"),
    E("MEMBER_NOT_FOUND", 404, "该用户不是本项目成员", "查看的用户不是本项目成员", "刷新成员列表", "never", "org"),
    E("GEOFENCE_OUT_OF_RANGE", 422, "电子围栏坐标不在中国境内，请确认使用 GCJ-02 坐标",
      "围栏坐标不在中国境内（常见原因：经纬度写反，或坐标不是 GCJ-02）", "用 wx.getLocation({type: 'gcj02'}) 取点",
      "fix", "org"),
    E("GEOFENCE_DEGENERATE", 422, "多边形围栏至少需要三个不同的点", "多边形的点重复或共线", "重新圈定围栏", "fix", "org"),
    # ---- faces: refused at upload
    E("FACE_CHECK_KIND_INVALID", 422, "检查类型不正确", "kind 不是 enroll / clock / contract", "修正 kind", "fix", "faces"),
    E("FACE_CHECK_NOT_FOUND", 404, "人脸核验记录不存在", "核验 id 不存在或不是本人的核验", "不要再轮询该 id", "never",
      "faces"),
    E("FRAME_COUNT_INVALID", 422, "照片张数不对：考勤和签约只传 1 张，录入 1–3 张；动作验证请先获取动作指令",
      "被动活体（未带 challenge_nonce）的照片张数不对（details.expected 给出范围）",
      "按 details.expected 重传；要做动作验证先 POST /faces/challenges", "fix", "faces"),
    E("IMAGE_UNDECODABLE", 422, "照片无法识别，请重新拍照上传（仅支持 JPG/PNG）", "文件不是 JPG/PNG 或已损坏",
      "重新拍照上传 JPG", "new_key", "faces"),
    E("IMAGE_TOO_LARGE", 422, "照片太大，请重新拍照上传", "单张照片超过上限或像素过多",
      "wx.compressImage 压缩到长边 ≤1280、质量约 80 后重传", "new_key", "faces"),
    E("PROJECT_REQUIRED", 422, "考勤和签约核验必须指定项目", "kind 为 clock / contract 时没有 project_id",
      "带上 project_id 再提交", "fix", "faces"),
    E("REENROLL_NEEDS_APPROVAL", 403, "您已完成人脸录入，重新录入需劳资专管员批准", "已有人脸登记的工人再次 enroll",
      "提示联系劳资专管员批准后再录入", "never", "faces"),
    E("NOT_ENROLLED", 422, "尚未录入人脸，请先完成人脸登记", "考勤/签约核验前没有有效的人脸登记", "先做 kind=enroll 的核验",
      "fix", "faces"),
    E("CHALLENGE_REQUIRED", 422, "该项目需要完成动作验证，请先获取动作指令", "项目 liveness_mode=challenge，但没有带 challenge_nonce",
      "POST /faces/challenges，按提示拍 2–3 张后重传", "restart", "faces"),
    E("CHALLENGE_NOT_FOUND", 404, "动作验证不存在，请重新开始", "challenge_nonce 不存在或不属于本人", "重新获取动作指令",
      "restart", "faces"),
    E("CHALLENGE_EXPIRED", 422, "动作验证已过期，请重新开始", "动作指令超过有效期（约 90 秒）才上传；也可能作为核验结果出现",
      "重新获取动作指令并重拍", "restart", "faces"),
    E("CHALLENGE_REPLAYED", 409, "动作验证已使用过，请重新开始", "同一个 nonce 已用于另一次核验；也可能作为核验结果出现",
      "重新获取动作指令并重拍，不要原样重试", "restart", "faces"),
    E("CHALLENGE_FRAMES_INVALID", 422, "动作验证需要上传 2–3 张照片，请重新开始", "动作验证上传的照片不是 2–3 张",
      "第 1 张正对镜头，按提示做动作后再拍 1–2 张", "restart", "faces"),
    # ---- faces: result reasons (arrive as reason_code in the polled result)
    E("FACE_NOT_FOUND", None, "未检测到人脸，请正对镜头重拍", "照片中没有检测到人脸", "提示后重拍", "new_key", "faces"),
    E("FACE_MULTIPLE", None, "照片中有多张人脸，请单独拍摄", "照片中有不止一张人脸", "提示后重拍", "new_key", "faces"),
    E("FACE_TOO_SMALL", None, "人脸太小，请靠近镜头重拍", "人脸在画面中太小", "提示后重拍", "new_key", "faces"),
    E("IMAGE_TOO_DARK", None, "光线太暗，请到明亮处重拍", "照片太暗", "提示后重拍", "new_key", "faces"),
    E("IMAGE_TOO_BLURRY", None, "照片模糊，请保持手机稳定后重拍", "照片模糊", "提示后重拍", "new_key", "faces"),
    E("FACE_NOT_FRONTAL", None, "请正对镜头，不要侧脸、仰头或低头", "第 1 张不是正脸", "提示后重拍", "new_key", "faces"),
    E("SPOOF_SUSPECTED", None, "未通过活体检测，请本人对着镜头重拍，或完成动作验证", "疑似翻拍、打印或屏幕照片",
      "本人重拍，或改用动作验证", "new_key", "faces"),
    E("FACE_MISMATCH", None, "人脸与登记信息不一致，请本人重试", "与登记的人脸不一致", "本人重拍", "new_key", "faces"),
    E("CHALLENGE_NOT_PERFORMED", None, "未检测到指定动作，请按提示转头或抬头/低头后重试", "后几张照片没有做出指定动作",
      "重新获取动作指令并重拍", "restart", "faces"),
    E("ENROLL_FACE_CHANGED", None, "录入的几张照片不是同一人，请本人重新拍摄", "录入连拍的几张照片不是同一人",
      "本人重新连拍", "new_key", "faces"),
    E("CHALLENGE_FACE_CHANGED", None, "动作验证过程中人脸不一致，请本人完成验证", "几张照片不是同一个人",
      "重新获取动作指令，本人完成", "restart", "faces"),
    E("CONSENT_WITHDRAWN", None, "您已撤回人脸识别授权，本次照片未做处理", "上传后、核验前撤回了人脸识别授权",
      "如需继续请重新同意授权；或改用项目部提供的非人脸方式", "never", "faces"),
    E("ENGINE_ERROR", None, "人脸服务暂时不可用，请稍后重试", "人脸服务故障（status=error）", "稍后重新上传（新的 key）",
      "new_key", "faces"),
    # ---- enrollment (issue 16)
    E("CONSENT_KIND_INVALID", 422, "授权类型不正确", "kind 不是 privacy_policy / biometric / location / financial",
      "按 GET /consents/current 返回的 kind 提交", "fix", "enrollment"),
    E("CONSENT_VERSION_OUTDATED", 422, "授权内容已更新，请阅读最新版本后再同意",
      "提交的 version 不是当前版本（details.current_version）", "重新拉取 GET /consents/current 展示全文后再同意", "fix",
      "enrollment"),
    E("PROFILE_NOT_FOUND", 404, "尚未填写实名信息", "该用户还没有提交实名信息", "引导工人填写实名信息", "never",
      "enrollment"),
    E("ID_NUMBER_IN_USE", 409, "该身份证号已在其他微信账号登记，请联系项目劳资专管员处理",
      "同一身份证号已由另一个微信账号登记（盲索引比对）", "提示工人找劳资专管员，不要换号重试", "never", "enrollment"),
    E("PROFILE_LOCKED", 409, "实名信息已通过审核，如需更正姓名或身份证号请联系劳资专管员",
      "审核通过后又提交了不同的身份证号或姓名（details.field）", "提示工人带身份证到项目部，由劳资专管员更正", "never",
      "enrollment"),
    E("AGE_UNDER_16", 422, "未满16周岁，依法不得招用", "身份证号推出的年龄未满 16 周岁", "不能报名", "never", "enrollment"),
    E("AGE_UNDER_18", 422, "未满18周岁，不得从事施工现场作业", "身份证号推出的年龄未满 18 周岁", "不能报名", "never",
      "enrollment"),
    E("ENROLLMENT_NOT_FOUND", 404, "报名记录不存在", "id 不是工人报名（membership）", "刷新审核列表", "never", "enrollment"),
    E("ENROLLMENT_NOT_PENDING", 409, "该报名已处理", "报名已通过或已驳回（details.status）", "刷新审核列表", "never",
      "enrollment"),
    E("ENROLLMENT_INCOMPLETE", 422, "实名信息不完整，暂不能通过审核",
      "缺实名信息、授权、人脸录入或班组（details.missing 列出缺项）", "提示工人补齐 details.missing 后再审核", "fix",
      "enrollment"),
    E("TRAINING_LEVEL_INVALID", 422, "培训级别不正确", "level 不是 company / project / team", "修改后再提交", "fix",
      "enrollment"),
    E("TRAINING_DATE_IN_FUTURE", 422, "培训日期不能晚于今天", "date 晚于今天（北京时间）", "修改日期后再提交", "fix",
      "enrollment"),
    # ---- contracts (issues 16, 24, 26): rows in services/error_codes_contracts.py
    *(E(*entry) for entry in CONTRACT_PARTY_CODES),
    # ---- attendance
    E("CLOCK_SKEW", 422, "手机时间与北京时间相差过大，请校准手机时间后重试", "taken_at 比服务器时间晚 5 分钟以上",
      "提示工人校准手机时间", "fix", "attendance"),
    E("CLOCK_TOO_LATE", 422, "离线打卡超过期限未上传，已不能补传，请联系班组长", "taken_at 早于项目允许的补传期限（默认 24 小时）",
      "联系班组长见证补录", "never", "attendance"),
    E("FACE_CHECK_PROJECT_MISMATCH", 422, "该自拍属于其他项目", "face_check_id 是在另一个项目上传的", "在本项目重新拍照",
      "new_key", "attendance"),
    E("FACE_CHECK_USED", 409, "该自拍已用于其他打卡，请重新拍照", "face_check_id 已被另一次打卡使用", "重新拍照上传后再打卡",
      "new_key", "attendance"),
    E("FACE_CHECK_STALE", 422, "自拍时间与打卡时间相差过大，请重新拍照打卡", "自拍上传早于 taken_at 10 分钟以上",
      "重新拍照上传后再打卡", "new_key", "attendance"),
    E("CLOCK_NOT_FOUND", 404, "打卡记录不存在", "打卡编号不存在", "刷新列表", "never", "attendance"),
    E("ENTRY_REFUSED", 403, "暂不能在该项目打卡", "入场条件不满足（details.reasons 与 gate 接口一致）",
      "展示 details.reasons 的 message", "never", "attendance"),
    E("ATTENDANCE_LOCKED", 409, "该月工资已审批，考勤已锁定，不能再修改", "该月工资表已审批", "不要重试", "never",
      "attendance"),
    E("CORRECTION_REASON_REQUIRED", 422, "更正考勤必须填写原因", "corrections 中缺少 reason", "填写更正原因", "fix",
      "attendance"),
    E("DAY_STATUS_INVALID", 422, "考勤状态不正确", "status 不是 present / half / absent / missing_out", "修正 status", "fix",
      "attendance"),
    E("DAY_IN_FUTURE", 422, "不能操作尚未到来的日期", "日期晚于今天（考勤日）", "选择今天或以前的日期", "fix", "attendance"),
    E("NOT_TEAM_MEMBER", 422, "所列工人不是本班组成员", "user_id 不是本班组在岗工人", "刷新班组成员后再提交", "fix",
      "attendance"),
    E("DISPUTE_NOT_FOUND", 404, "异议不存在", "异议编号不存在", "刷新列表", "never", "attendance"),
    E("DISPUTE_ALREADY_OPEN", 409, "这一天已有待处理的异议", "同一天已有未答复的异议", "等待班组长答复", "never",
      "attendance"),
    E("DISPUTE_ALREADY_RESOLVED", 409, "该异议已处理", "异议已答复", "刷新异议状态", "never", "attendance"),
    E("WITNESS_NOT_ALLOWED", 422, "该工人应使用人脸打卡", "工人已同意人脸识别且当天人脸打卡失败不足 2 次",
      "让工人先用人脸打卡", "never", "attendance"),
    E("MEDIA_LINK_INVALID", 403, "图片链接已失效，请刷新后再看", "图片链接已过期（几分钟）、被改动，或签发对象已无权查看",
      "重新获取含该链接的数据（如刷新考勤日或合同详情）后再显示图片", "never"),
    E("EVIDENCE_NOT_AVAILABLE", 404, "考勤照片已过保留期或不存在", "照片已按保留期删除，或是见证打卡", "不要重试", "never",
      "attendance"),
    # ---- identity, on-site enrollment, the non-face path (issue 27): rows in services/identity/codes.py
    *(E(*row) for row in IDENTITY_CODES),
    # ---- payroll (issue 18)
    E("PAYROLL_NOT_FOUND", 404, "工资表不存在", "工资表 id 不存在", "刷新工资表列表", "never", "payroll"),
    E("PAYROLL_NOT_DRAFT", 409, "该工资表已提交或已审批，不能修改",
      "重新生成、提交或顺延时工资表已不是草稿（details.status）", "刷新工资表；已提交的需先退回", "never", "payroll"),
    E("PAYROLL_BLOCKED", 409, "还有未解决的问题，不能提交审批",
      "提交时仍有问题（details.blockers：未确认考勤、缺下班卡、异议、缺银行卡、缺合同、计件未确认）",
      "逐项处理，或将该工人顺延到下月后再提交", "fix", "payroll"),
    E("PAYROLL_NOT_SUBMITTED", 409, "工资表尚未提交审批", "审批或退回时工资表不是已提交状态（details.status）",
      "刷新工资表状态", "never", "payroll"),
    E("PAYROLL_SELF_APPROVAL", 403, "不能审批自己制作的工资表", "审批人制作或提交了该工资表（即使有审批角色）",
      "请另一位工资审批人审批", "never", "payroll"),
    E("PAYROLL_STALE", 409, "提交后考勤或扣款已变动，请退回后重新生成", "审批时重新计算的结果与提交时不同",
      "退回工资表，重新生成后再提交", "never", "payroll"),
    E("PAYROLL_NOT_APPROVED", 409, "工资表尚未审批通过", "导出代发文件、导入回单或工资表时工资表未审批（details.status）",
      "审批通过后再操作", "never", "payroll"),
    E("MONTH_IN_FUTURE", 422, "不能为尚未开始的月份做工资", "month 晚于本月（北京时间）", "选择本月或以前的月份", "fix",
      "payroll"),
    E("NOT_IN_PAYROLL", 422, "该工人不在本月工资表中", "顺延的 user_id 不在该工资表的明细中", "刷新工资表后重新选择工人",
      "fix", "payroll"),
    E("NOT_PROJECT_WORKER", 422, "该用户不是本项目工人", "扣款等录入的 user_id 不是本项目的工人", "重新选择工人", "fix",
      "payroll"),
    E("BANK_RESULTS_INVALID", 422, "回单文件格式不正确", "回单不是 UTF-8 编码的 CSV、表头不对或文件过大",
      "按代发文件的格式导出回单后重新导入", "fix", "payroll"),
    E("BANK_RESULTS_MISMATCH", 422, "回单与审批的工资明细不符，整份回单未导入",
      "编号未知、金额不符或与此前的结果矛盾（details 给出行号）", "核对银行回单后重新导入", "fix", "payroll"),
    E("PAYSLIP_NOT_FOUND", 404, "工资条不存在", "工资条不存在、不是本人的或工资表未审批", "刷新工资条列表", "never",
      "payroll"),
    E("PAYSLIP_ALREADY_CONFIRMED", 409, "工资条已签字确认", "工资条已签字确认，不能再签字或提出异议",
      "如有问题请联系劳资专管员", "never", "payroll"),
    # ---- payroll in the law's order (issue 25)
    E("PAYSLIPS_UNCONFIRMED", 409, "还有工人未确认工资条，不能提交", "仍有工资条未确认、未放行也未暂缓（details.lines）",
      "等工人确认；有异议的更正后重新生成或暂缓；联系不上的过确认期后放行", "fix", "payroll"),
    E("PAYROLL_NOT_REVIEWED", 409, "分包单位的工资表须先经总包劳资专管员审核", "审批时总包劳资专管员尚未审核（第二十八条）",
      "等审核后再审批", "never", "payroll"),
    E("PAYROLL_NO_REVIEW", 409, "该工资表由总包编制，无需审核", "审核总包自己编制的工资表", "直接审批", "never", "payroll"),
    E("PAYROLL_SELF_REVIEW", 403, "不能审核自己制作的工资表", "审核人编制或提交了该工资表", "请另一位劳资专管员审核", "never",
      "payroll"),
    E("NOTHING_HELD", 422, "该月没有暂缓发放的明细", "补发工资表：该月该单位没有暂缓（held）的明细", "无需补发", "never", "payroll"),
    E("COMPANY_NOT_EMPLOYER", 422, "该企业不是本项目的施工单位", "company_id 不是本项目的总包、专业分包或劳务分包",
      "选择本项目的参建施工单位", "fix", "payroll"),
    E("LINE_NOT_FOUND", 404, "工资明细不存在", "line_id 不属于该工资表", "刷新工资表明细", "never", "payroll"),
    E("VOUCHER_NOT_READY", 409, "银行尚未回单，暂无代发凭证", "还没有任何明细收到已发放回单", "导入回单后再下载", "never",
      "payroll"),
    E("NOTICE_BOARD_INCOMPLETE", 422, "维权告示牌缺少法定事项，不能发布", "第三十四条要求的事项未齐（details.missing）",
      "补齐后再发布", "fix", "oversight"),
    E("SLIP_NOT_OPEN", 409, "该工资条当前状态不能这样处理", "已确认、已放行、已暂缓或尚未发出（details.slip_status）",
      "刷新工资表明细", "never", "payroll"),
    E("CONFIRM_WINDOW_OPEN", 409, "工人确认期尚未结束，不能放行", "距工资条发出未满 slip_confirm_days（details.release_after）",
      "确认期结束后再放行", "never", "payroll"),
    E("DEDUCTION_NOT_FOUND", 404, "扣款记录不存在", "扣款不存在、不是本人的或不是借支", "刷新扣款列表", "never", "payroll"),
    E("ADVANCE_UNACKNOWLEDGED", 409, "含借支扣款的工资条须工人本人签字确认，不能放行",
      "工人既未对该借支签字，也未确认工资条", "联系工人确认，或暂缓到补发工资表", "never", "payroll"),
    E("PAYSLIP_NOT_OPEN", 409, "该工资条当前不能确认或提出异议", "已放行、已暂缓，或工资表已提交（details.status）",
      "刷新工资条", "never", "payroll"),
    E("DEDUCTION_KIND_INVALID", 422, "扣款项目不合法", "other_lawful/court_order/damages 缺少依据 basis", "写明依据",
      "fix", "payroll"),
    E("DEDUCTION_OVER_LIMIT", 422, "扣款超过法定限额", "赔偿超过当月工资 20% 或扣后低于最低工资（details.limit、max_fen）",
      "减少金额，余额分月扣除", "fix", "payroll"),
    E("MINIMUM_WAGE_UNSET", 422, "项目尚未设置当地最低工资标准", "录入赔偿扣款前未设置 minimum_wage_fen",
      "在工资规则中设置当地月最低工资", "fix", "payroll"),
    E("PIECE_WORK_NOT_FOUND", 404, "计件记录不存在", "计件记录不存在或不是本人的", "刷新计件列表", "never", "payroll"),
    E("PIECE_WORK_ALREADY_CONFIRMED", 409, "该计件记录已确认", "计件记录已确认过", "刷新计件列表", "never", "payroll"),
    # ---- oversight (issue 19)
    E("WARNING_NOT_FOUND", 404, "预警不存在", "预警 id 不存在，或不在调用者可监管的项目中", "刷新预警列表", "never",
      "oversight"),
    E("WARNING_NOT_OPEN", 409, "只有未处理的预警可以确认", "预警已确认或已关闭（details.status）", "刷新预警列表", "never",
      "oversight"),
    E("WARNING_CLOSED", 409, "预警已关闭", "关闭一条已关闭的预警", "刷新预警列表", "never", "oversight"),
    E("THRESHOLD_UNKNOWN", 422, "未知的预警阈值", "提交了不存在的阈值名称（details.keys）", "按 GET 返回的阈值名称修改后再提交",
      "fix", "oversight"),
    E("PUSH_EVENT_NOT_FOUND", 404, "推送记录不存在", "推送记录 id 不存在，或不在调用者的项目中", "刷新推送记录列表", "never",
      "oversight"),
    E("PUSH_EVENT_NOT_RESENDABLE", 409, "只有被平台退回、补全中或已放弃的记录可以重新推送",
      "记录正在发送、等待平台结果或已被接受（details.status）", "刷新推送记录列表", "never", "oversight"),
    E("FINDING_NOT_FOUND", 404, "检查记录不存在", "检查记录 id 不存在，或不在调用者的项目中", "刷新检查记录列表", "never",
      "oversight"),
    E("FINDING_ITEM_INVALID", 422, "检查项不正确", "item 不是允许的检查项（details.allowed）", "从 details.allowed 中选择",
      "fix", "oversight"),
    E("FINDING_ANSWERED", 409, "该整改通知已回复", "整改通知已经回复过", "刷新检查记录", "never", "oversight"),
    E("NOT_A_REGULATOR", 403, "仅监管部门账号可以进行此操作", "调用者不是监管部门账号（红黑榜的列入与移出、监管看板）",
      "不要重试", "never", "oversight"),
    E("PARTY_NOT_FOUND", 404, "企业或班组不存在", "列入榜单的企业或班组不存在（details.party_type / party_id）",
      "检查 party_type 与 party_id", "fix", "oversight"),
    E("LIST_ENTRY_INVALID", 422, "榜单类型不正确", "party_type 与 color 的组合不允许（details）", "修改后再提交", "fix",
      "oversight"),
    E("LIST_PERIOD_INVALID", 422, "结束日期不能早于开始日期", "榜单的结束日期早于开始日期", "修改日期后再提交", "fix",
      "oversight"),
    E("LIST_EVIDENCE_INVALID", 422, "证据类型不正确", "证据类型不是允许的类型（details.allowed）", "从 details.allowed 中选择",
      "fix", "oversight"),
    E("LIST_ENTRY_NOT_FOUND", 404, "榜单记录不存在", "榜单记录 id 不存在", "刷新榜单", "never", "oversight"),
    E("LIST_ENTRY_LIFTED", 409, "该记录已移出榜单", "移出一条已移出的榜单记录", "刷新榜单", "never", "oversight"),
    E("DASHBOARD_PATH_INVALID", 422, "看板地址不正确", "path 不是可签发链接的看板地址（details.allowed）",
      "使用 details.allowed 中的地址", "fix", "oversight"),
    E("DASHBOARD_LINK_EXPIRED", 401, "看板链接已过期，请在小程序中重新打开", "看板链接超过有效期（5 分钟）或页面会话已过期",
      "在小程序中重新获取看板链接", "restart", "oversight"),
    E("DASHBOARD_LINK_INVALID", 401, "看板链接无效", "链接签名不对，或不是为这个页面签发的", "在小程序中重新获取看板链接",
      "restart", "oversight"),
    E("DATE_RANGE_INVALID", 422, "日期范围不正确（结束不早于开始，最长一年）",
      "导出的结束日期早于开始日期，或超过一年（details.max_days）", "缩小日期范围后再导出", "fix", "oversight"),
    E("DEPOSIT_DATE_IN_FUTURE", 422, "存入日期不能晚于今天", "工资保证金的存入日期晚于今天（北京时间）", "修改日期后再提交",
      "fix", "oversight"),
    E("DEPOSIT_EXISTS", 409, "该银行流水号已登记", "同一银行流水号的存入已登记（details.reference）", "无需重复登记", "never",
      "oversight"),
    *(E(*row) for row in DUTY_CODES),  # issue 23: separation of duties and hostile data
)

# the code each bare HTTP status maps to when nothing more specific is known
HTTP_DEFAULTS: dict[int, str] = {
    400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_FAILED",
    429: "TOO_MANY_REQUESTS", 500: "INTERNAL_ERROR", 503: "SERVICE_UNAVAILABLE",
}


def lookup(code: str) -> ErrorCode:
    try:
        return CATALOGUE[code]
    except KeyError:
        raise ValueError(f"unregistered error code {code!r}: add it to services/error_codes.py") from None


def face_reasons() -> dict[str, str]:
    """code -> message of everything a face check can end with (services/faces/reasons.py)."""
    return {c.code: c.message for c in CATALOGUE.values() if c.area == "faces" and (
        c.status is None or c.code in FACE_UPLOAD_AND_RESULT)}


# refused at upload when seen there, and also stored as a result reason by the job
FACE_UPLOAD_AND_RESULT = frozenset({"IMAGE_UNDECODABLE", "IMAGE_TOO_LARGE", "NOT_ENROLLED", "CHALLENGE_EXPIRED",
                                    "CHALLENGE_REPLAYED", "CHALLENGE_FRAMES_INVALID"})
