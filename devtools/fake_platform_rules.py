"""The fake platform's own rules, written from the data standard as the open-source client
ibisTime/xn-gchf carries it (request classes XN631908Req … XN631920ReqDateil: ``@NotBlank`` = required;
code lists from its enums and ``docs/schema/01_init_xn_gchf_.sql`` tsys_dict; 民族 from GB/T 3304).
Deliberately NOT imported from the app (services/platform_push): a field SiteRoll forgets or a code
it spells its own way fails here as it would on the real platform.
"""

from __future__ import annotations

from typing import Any

ID_TYPES = frozenset(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17"])  # EIdCardType
WORK_TYPES = frozenset(["010", "020", "030", "040", "050", "060", "070", "080", "090", "100", "110", "120", "130", "140", "150", "160", "170", "180", "190", "200", "210", "220", "230", "240", "250", "270", "280", "290", "300", "310", "320", "330", "340", "350", "360", "380", "900"])
WORK_ROLES = frozenset({"10", "20"})
POLITICS = frozenset(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"])
CULTURE = frozenset(["01", "02", "03", "04", "05", "06", "07", "08", "99"])
UNITS = frozenset({"80", "81", "82"})
DIRECTIONS = frozenset({"01", "02"})
ENTRY_EXIT = frozenset({"0", "1"})
BANKS = frozenset(['001', '100', '102', '103', '104', '105', '201', '202', '203', '301', '302', '303', '304', '305', '306', '307', '308', '309', '310', '311', '313', '314', '315', '316', '317', '318', '319', '320', '401', '402', '403', '501', '502', '503', '504', '505', '506', '507', '509', '510', '512', '531', '532', '533', '561', '563', '564', '565', '591', '593', '594', '595', '596', '597', '621', '622', '631', '641', '651', '652', '661', '662', '671', '672', '691', '694', '695', '711', '712', '713', '714', '715', '716', '732', '741', '742', '751', '752', '761', '771', '775', '776', '781', '782', '785', '787', '897', '969', '989'])
NATIONS = frozenset(n + "族" for n in ["汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"]) | {"其他", "外国血统中国籍人士"}

# method -> (required header fields, list field, required fields of each list item)
REQUIRED: dict[str, tuple[tuple[str, ...], str | None, tuple[str, ...]]] = {
    "Team.Add": (("projectCode", "corpCode", "corpName", "teamName", "teamLeaderName", "teamLeaderPhone",
                  "teamLeaderIdcardType", "teamLeaderIdNumber", "responsiblePersonName", "responsiblePersonPhone",
                  "responsiblePersonIdcardType", "responsiblePersonIdNumber", "entryTime"), None, ()),
    "ProjectWorker.Add": (("projectCode", "corpCode", "corpName", "teamSysNo", "teamName"), "workerList", (
        "workerName", "isTeamLeader", "idCardType", "idCardNumber", "workType", "workRole", "nation", "address",
        "headImage", "politicsType", "cultureLevelType", "cellPhone", "grantOrg", "startDate", "expiryDate")),
    "WorkerEntryExit.Add": (("projectCode", "corpCode", "corpName", "teamSysNo"), "workerList",
                            ("idCardType", "idCardNumber", "date", "type", "voucher")),
    "WorkerContract.Add": (("projectCode",), "contractList", (
        "corpCode", "corpName", "idCardType", "idCardNumber", "contractPeriodType", "startDate", "endDate")),
    "WorkerAttendance.Add": (("projectCode", "teamSysNo"), "dataList", ("idCardType", "idCardNumber", "date", "direction")),
    "Payroll.Add": (("projectCode", "corpCode", "corpName", "teamSysNo", "payMonth"), "detailList", (
        "idCardType", "idCardNumber", "payRollBankCardNumber", "payRollBankCode", "payRollBankName",
        "payBankCardNumber", "payBankCode", "payBankName", "isBackPay", "balanceDate", "thirdPayRollCode")),
}
CODES: dict[str, frozenset[str]] = {
    "idCardType": ID_TYPES, "teamLeaderIdcardType": ID_TYPES, "responsiblePersonIdcardType": ID_TYPES,
    "workType": WORK_TYPES, "workRole": WORK_ROLES, "politicsType": POLITICS, "cultureLevelType": CULTURE,
    "nation": NATIONS, "unit": UNITS, "direction": DIRECTIONS, "type": ENTRY_EXIT, "payRollBankCode": BANKS,
    "payBankCode": BANKS, "payRollTopBankCode": BANKS, "contractPeriodType": frozenset({"0", "1"}),
    "isBackPay": frozenset({"0", "1"}), "isTeamLeader": frozenset({"0", "1"}),
}
ID_NUMBERS = {"idCardNumber": "idCardType", "teamLeaderIdNumber": "teamLeaderIdcardType",
              "responsiblePersonIdNumber": "responsiblePersonIdcardType"}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_ok(number: str) -> bool:
    """GB 11643-1999: 17 digits, then the ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    check = "10X98765432"[sum(int(d) * w for d, w in zip(number[:17], WEIGHTS, strict=True)) % 11]
    return number[17].upper() == check


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fields(obj: dict[str, Any], required: tuple[str, ...], where: str) -> list[str]:
    problems = [f"{where}{name} 不能为空" for name in required if _blank(obj.get(name))]
    for name, codes in CODES.items():
        if not _blank(obj.get(name)) and str(obj[name]) not in codes:
            problems.append(f"{where}{name} 代码 {obj[name]} 不存在")
    for name, type_field in ID_NUMBERS.items():
        if obj.get(type_field) == "01" and not _blank(obj.get(name)) and not resident_id_ok(str(obj[name])):
            problems.append(f"{where}{name} 身份证号码校验不通过")
    if obj.get("attendType") == "001" and _blank(obj.get("image")):
        problems.append(f"{where}image 人脸识别考勤须上传刷卡近照")
    if str(obj.get("isBackPay")) == "1" and _blank(obj.get("backPayMonth")):
        problems.append(f"{where}backPayMonth 补发工资须填写补发月份")
    return problems


def check(method: str, data: dict[str, Any]) -> list[str]:
    """What is wrong with one object of a write method (empty: the standard is met)."""
    if method not in REQUIRED:
        return [f"未知接口 {method}"]
    header, list_field, item_fields = REQUIRED[method]
    problems = _fields(data, header, "")
    if list_field is not None:
        items = data.get(list_field)
        if not isinstance(items, list) or not items:
            return [*problems, f"{list_field} 不能为空"]
        for i, item in enumerate(items):
            problems += _fields(item, item_fields, f"{list_field}[{i}].")
    return problems
