"""The identity documents a worker on a Chinese site may hold, each with its 证件类型 code, and
the rule that checks its number. Data and pure functions: enrollment validates with it and the
platform push (issue 29) imports the codes from here, so the codes live in this one place.

Source of the codes: 《全国建筑工人管理服务信息平台数据标准》, 6.5 人员证件类型字典表 (the national
platform's dictionary; the same two-digit codes the platform's OpenAPI takes as ``idCardType``).
Two documents came after that dictionary was drawn up (港澳台居民居住证, 2018; 外国人永久居留身份证
2023 format): their codes are marked ``confirmed=False`` until checked against the platform's
current dictionary. 01 居民身份证, 08 护照, 10 港澳居民来往内地通行证 and 12 台湾居民来往大陆通行证 match the
dictionary in ibisTime/xn-gchf (``docs/schema/01_init_xn_gchf_.sql``, type ``legal_manid_card_type``,
codes 01–17), which has neither of the two newer documents.

Number rules:
- 居民身份证: GB 11643-1999, python-stdnum ``stdnum.cn.ric`` (region, birth date, ISO 7064 check digit).
- 港澳台居民居住证 (《港澳台居民居住证申领发放办法》, 2018): the same 18-digit structure and check digit,
  address code 810000 (香港) / 820000 (澳门) / 830000 (台湾); stdnum's region table lacks these,
  so the check digit is computed with ``ric.calc_check_digit`` and the region checked here.
- 港澳居民来往内地通行证: H or M and 8 digits (the card's 2 renewal digits are not part of the number).
- 台湾居民来往大陆通行证: 8 digits ("一人一号，终身不变"; the issue count is not part of the number).
- 外国人永久居留身份证: 2023 format, 18 digits starting with 9 (province, nationality, birth date,
  sequence with sex, the GB 11643 check digit); 2004 format, 3 letters (nationality) and 12 digits.
- 护照: 5 to 17 letters and digits (no common rule: each country numbers its own).
The birth date and sex come from the number where it carries them; otherwise they are typed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

RESIDENT_ID = "01"


class InvalidIdNumber(ValueError):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class ParsedId:
    number: str  # normalised: what the blind index and the platform see
    birth_date: date | None  # None: the number does not carry it
    sex: str | None  # male | female | None


def _born(number: str, start: int, today: date) -> date:
    try:
        born = date(int(number[start:start + 4]), int(number[start + 4:start + 6]), int(number[start + 6:start + 8]))
    except ValueError as exc:
        raise InvalidIdNumber("id_birth_date", "证件号码中的出生日期不存在") from exc
    if born > today or born.year < today.year - 120:
        raise InvalidIdNumber("id_birth_date", "证件号码中的出生日期不存在")
    return born


def _sex(digit: str) -> str:
    return "male" if int(digit) % 2 else "female"


def _resident(value: str, today: date) -> ParsedId:
    number = ric.compact(value).upper()
    try:
        ric.validate(number)
    except (InvalidLength, InvalidFormat) as exc:
        raise InvalidIdNumber("id_format", "身份证号应为18位（最后一位可为X）") from exc
    except InvalidChecksum as exc:
        raise InvalidIdNumber("id_checksum", "身份证号校验位错误，请核对") from exc
    except InvalidComponent as exc:
        try:
            ric.get_birth_date(number)
        except InvalidComponent:
            raise InvalidIdNumber("id_birth_date", "身份证号中的出生日期不存在") from exc
        raise InvalidIdNumber("id_region", "身份证号中的地区码不存在") from exc
    except StdnumError as exc:
        raise InvalidIdNumber("id_format", "身份证号格式不正确") from exc
    born = _born(number, 6, today)
    return ParsedId(number, born, _sex(number[16]))


def _eighteen(number: str, today: date, *, what: str) -> ParsedId:
    """GB 11643 structure: 17 digits, the ISO 7064 MOD 11-2 check digit (ric's), birth date at 7–14."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise InvalidIdNumber("id_format", f"{what}号码应为18位（最后一位可为X）")
    if ric.calc_check_digit(number) != number[-1]:
        raise InvalidIdNumber("id_checksum", f"{what}号码校验位错误，请核对")
    return ParsedId(number, _born(number, 6, today), _sex(number[16]))


def _residence_permit(value: str, today: date) -> ParsedId:
    number = ric.compact(value).upper()
    parsed = _eighteen(number, today, what="居住证")
    if number[:6] not in ("810000", "820000", "830000"):
        raise InvalidIdNumber("id_region", "港澳台居民居住证号码应以810000、820000或830000开头")
    return parsed


def _hk_macao_permit(value: str, today: date) -> ParsedId:
    number = value.strip().upper().replace(" ", "")
    if not re.fullmatch(r"[HM]\d{8}(\d{2})?", number):
        raise InvalidIdNumber("id_format", "港澳居民来往内地通行证号码应为H或M加8位数字")
    return ParsedId(number[:9], None, None)


def _taiwan_permit(value: str, today: date) -> ParsedId:
    number = value.strip().upper().replace(" ", "")
    if not re.fullmatch(r"\d{8}(\d{2})?", number):
        raise InvalidIdNumber("id_format", "台湾居民来往大陆通行证号码应为8位数字")
    return ParsedId(number[:8], None, None)


def _foreign_permanent(value: str, today: date) -> ParsedId:
    number = value.strip().upper().replace(" ", "")
    if re.fullmatch(r"[A-Z]{3}\d{12}", number):  # 2004 format: no check digit rule we can apply
        return ParsedId(number, None, None)
    if not number.startswith("9"):
        raise InvalidIdNumber("id_format", "外国人永久居留身份证号码应为18位（9开头）或3位字母加12位数字")
    return _eighteen(number, today, what="永久居留身份证")


def _passport(value: str, today: date) -> ParsedId:
    number = value.strip().upper().replace(" ", "")
    if not re.fullmatch(r"[A-Z0-9]{5,17}", number) or not any(ch.isdigit() for ch in number):
        raise InvalidIdNumber("id_format", "护照号码应为5到17位字母和数字")
    return ParsedId(number, None, None)


@dataclass(frozen=True)
class IdType:
    code: str  # the platform's 证件类型 code
    name: str
    parse: Callable[[str, date], ParsedId]
    confirmed: bool = True  # False: the code is ours until checked against the platform's dictionary


ID_TYPES: tuple[IdType, ...] = (
    IdType(RESIDENT_ID, "居民身份证", _resident),
    IdType("26", "港澳台居民居住证", _residence_permit, confirmed=False),
    IdType("10", "港澳居民来往内地通行证", _hk_macao_permit),
    IdType("12", "台湾居民来往大陆通行证", _taiwan_permit),
    IdType("27", "外国人永久居留身份证", _foreign_permanent, confirmed=False),
    IdType("08", "护照", _passport),
)
BY_CODE = {t.code: t for t in ID_TYPES}
CODES = tuple(BY_CODE)


def parse_number(code: str, value: str, today: date) -> ParsedId:
    """The normalised number and what it says of the holder; ``InvalidIdNumber`` when it is wrong."""
    id_type = BY_CODE.get(code)
    if id_type is None:
        raise InvalidIdNumber("id_type_unknown", "证件类型不在列表中")
    return id_type.parse(value, today)


def blind_index_kind(code: str) -> str:
    """Uniqueness per type and number. 居民身份证 keeps the kind it always had (existing rows match)."""
    return "id_number" if code == RESIDENT_ID else f"id_number:{code}"
