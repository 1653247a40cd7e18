"""Codes on clocks and days, each with the Chinese sentence the worker and the leader read."""

from __future__ import annotations

# why a clock was rejected or must be retried
CLOCK_REASONS: dict[str, str] = {
    "OUTSIDE_GEOFENCE": "打卡位置不在项目电子围栏内",
    "LOCATION_INVALID": "定位无效（坐标为 0,0），请打开定位后重试",
    "FACE_MISMATCH": "人脸与本人登记信息不一致，考勤未计入",
    "CHALLENGE_FAILED": "动作验证未通过，考勤未计入",
    "LIVENESS_RETRY": "未通过活体检测，请重新拍照，或完成动作验证后再打卡",
    "FACE_RETRY": "自拍未能核验，请按提示重新拍照后再打卡",
    "FACE_SERVICE_RETRY": "人脸服务暂时不可用，请稍后重新打卡",
}

# flags: the record is kept and counted (unless rejected), the leader and labour manager look at it
FLAGS: dict[str, str] = {
    "WITNESSED": "班组长见证打卡（未使用人脸识别）",
    "LOW_ACCURACY": "定位精度较差，无法确认是否在围栏内，请班组长核实",
    "ZERO_COORDINATES": "坐标为 0,0，疑似定位失败或虚拟定位",
    "REPEATED_COORDINATES": "坐标与以往打卡完全相同，疑似虚拟定位",
    "IMPOSSIBLE_SPEED": "与上一次打卡相比移动速度不可能达到，疑似虚拟定位",
    "BUDDY_PUNCH": "自拍与项目内另一名工人相符，疑似代打卡",
    "SHARED_DEVICE": "同一手机几分钟内为多名工人打卡",
    "AFTER_CONTRACT_END": "打卡时间在劳动合同期满之后",
    "LATE_UPLOAD": "离线打卡，联网后补传",
    "MONTH_LOCKED": "该月工资已审批，此打卡未计入当月考勤",
    "MISSING_IN": "只有下班打卡，没有上班打卡",
}

DAY_STATUS_TEXT: dict[str, str] = {
    "present": "出勤（满一天）",
    "half": "半天",
    "absent": "缺勤",
    "missing_out": "缺少下班打卡",
}


def clock_reason(code: str | None) -> str | None:
    return None if code is None else CLOCK_REASONS.get(code, code)


def explain_flags(codes: list[str] | None) -> list[dict[str, str]]:
    return [{"code": c, "message": FLAGS.get(c, c)} for c in codes or []]
