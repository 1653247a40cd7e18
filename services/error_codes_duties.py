"""Error codes of issue 23 (separation of duties, hostile data), kept beside the catalogue so it stays
under the module size limit: (code, status, message, when, action, retry, area), read by
services/error_codes.py into CATALOGUE like every other entry."""

from __future__ import annotations

DUTY_CODES: tuple[tuple[str, int, str, str, str, str, str], ...] = (
    ("ENROLLMENT_SELF_REVIEW", 403, "不能审核自己的报名申请", "审核人审核（或授予）自己在本项目的工人身份",
      "请另一位劳资专管员或项目管理员审核", "never", "enrollment"),
    ("BANK_CARD_IN_USE", 409, "该银行卡已登记在其他工人名下，请使用本人银行卡",
      "同一银行卡号已是另一位工人的收款卡（盲索引比对）", "提示工人填写本人名下的银行卡，或找劳资专管员核实", "fix", "enrollment"),
    ("ATTENDANCE_SELF_CONFIRM", 403, "不能确认或更正自己的考勤", "确认、更正、见证或答复的是本人的考勤",
      "请劳资专管员或另一位班组长处理", "never", "attendance"),
    ("DAY_OF_OTHER_TEAM", 403, "该考勤记在其他班组，应由原班组长确认", "工人调班组前的考勤（details.user_ids）",
      "请原班组的班组长确认", "never", "attendance"),
    ("PAYROLL_OWN_LINE", 403, "工资表中有您本人的工资，不能由您制作、提交或审批",
      "调用者本人在该工资表中有工资明细", "请另一位劳资专管员或审批人处理", "never", "payroll"),
    ("THRESHOLD_INVALID", 422, "阈值超出允许范围", "阈值不是有限数、类型不对或超出范围（details.key / min / max；"
      "欠薪宽限天数依法不得超过 0 天）", "按 details 修改该阈值", "fix", "oversight"),
    ("WARNING_NOTE_REQUIRED", 422, "关闭预警须写明处理情况", "note 为空白", "填写已采取的措施后再关闭", "fix",
      "oversight"),
    ("DASHBOARD_LINK_USED", 401, "该看板链接已使用过，请在小程序中重新打开", "链接只能打开一次（已换成页面 Cookie）",
      "在小程序中重新获取链接（POST /dashboard-links）", "never", "oversight"),
    ("NOTICE_BOARD_NOT_FOUND", 404, "告示牌不存在或尚未公开", "公开地址不对，或项目尚未公开告示牌", "核对二维码或地址",
      "never", "oversight"),
)
