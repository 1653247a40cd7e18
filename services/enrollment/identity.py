"""Checks on what a worker types in: ID document and number, phone, bank card, age. Pure functions, no database.

Each failure is a FieldProblem (field, type, Chinese message); the profile use case collects
them so one 422 names every bad field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

from services.id_types import RESIDENT_ID, InvalidIdNumber, parse_number

MIN_AGE = 16  # 《劳动法》第十五条: no one under 16 may be employed
MIN_SITE_AGE = 18  # minors may not do construction-site work (未成年工禁忌劳动)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    type: str
    message: str


class InvalidField(ValueError):
    def __init__(self, problem: FieldProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class IdentityNumber:
    number: str
    birth_date: date
    sex: str  # male | female


def parse_id_number(value: str, *, today: date, id_type: str = RESIDENT_ID, birth_date: date | None = None,
                    sex: str | None = None) -> IdentityNumber:
    """The number checked by its document's own rule (services/id_types.py); birth date and sex from
    the number where it carries them, else the typed ones (then required)."""
    try:
        parsed = parse_number(id_type, value, today)
    except InvalidIdNumber as exc:
        raise InvalidField(FieldProblem("id_type" if exc.kind == "id_type_unknown" else "id_number",
                                        exc.kind, str(exc))) from exc
    born = parsed.birth_date or birth_date
    if born is None:
        raise InvalidField(FieldProblem("birth_date", "missing", "该证件号码不含出生日期，请填写出生日期"))
    if born > today or born.year < today.year - 120:
        raise InvalidField(FieldProblem("birth_date", "id_birth_date", "出生日期不正确"))
    holder_sex = parsed.sex or sex
    if holder_sex not in ("male", "female"):
        raise InvalidField(FieldProblem("sex", "missing", "该证件号码不含性别，请选择性别"))
    return IdentityNumber(parsed.number, born, holder_sex)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_working_age(born: date, today: date) -> FieldProblem | None:
    age = age_on(born, today)
    if age < MIN_AGE:
        return FieldProblem("id_number", "AGE_UNDER_16", "未满16周岁，依法不得招用")
    if age < MIN_SITE_AGE:
        return FieldProblem("id_number", "AGE_UNDER_18", "未满18周岁，不得从事施工现场作业")
    return None


def normalize_mobile(value: str, field: str = "phone") -> str:
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidField(FieldProblem(field, "phone_invalid", "手机号格式不正确")) from exc
    if (parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed)
            or phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE):
        raise InvalidField(FieldProblem(field, "phone_invalid", "请填写有效的中国大陆手机号"))
    return str(parsed.national_number)


def normalize_bank_card(value: str) -> str:
    digits = value.replace(" ", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit()) or not 12 <= len(digits) <= 19:
        raise InvalidField(FieldProblem("bank_card", "bank_card_format", "银行卡号应为12到19位数字"))
    try:
        luhn.validate(digits)
    except StdnumError as exc:
        raise InvalidField(FieldProblem("bank_card", "bank_card_checksum", "银行卡号校验失败，请核对")) from exc
    return digits


# the real name as the ID card prints it: Han characters, a minority name's parts joined by the middle
# dot (U+00B7; phones also type U+30FB or U+2022); nothing else, so no name reaches a spreadsheet as a formula
_HAN = "[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef]"
PERSON_NAME = re.compile(f"{_HAN}+(?:[\u00b7\u30fb\u2022]{_HAN}+)*")
BANK_NAME = re.compile(f"(?:{_HAN}|[A-Za-z0-9（）() ])+")


def is_person_name(name: str) -> bool:
    return PERSON_NAME.fullmatch(name) is not None


def is_bank_name(name: str) -> bool:
    return 2 <= len(name) <= 64 and BANK_NAME.fullmatch(name) is not None and not name[0].isspace()


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: enough for a list, not enough to identify."""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"
