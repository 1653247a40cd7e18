"""The checks on what a worker types, without HTTP: ID numbers, ages, phones, cards, names."""

from __future__ import annotations

from datetime import date

import pytest

from services.enrollment import identity
from services.enrollment.identity import InvalidField
from tests.factories import bank_card, id_number

TODAY = date(2026, 11, 27)


def test_sex_and_birth_date_come_from_the_id_number():
    man = identity.parse_id_number(id_number(date(1980, 2, 29)), today=TODAY)
    woman = identity.parse_id_number(id_number(date(1990, 1, 1), male=False).lower(), today=TODAY)
    assert (man.sex, man.birth_date) == ("male", date(1980, 2, 29))
    assert woman.sex == "female"


def test_a_birth_date_in_the_future_is_impossible():
    with pytest.raises(InvalidField) as err:
        identity.parse_id_number(id_number(date(2027, 1, 1)), today=TODAY)
    assert err.value.problem.type == "id_birth_date"


@pytest.mark.parametrize(("born", "code"), [
    (date(2010, 11, 28), "AGE_UNDER_16"),  # 16 tomorrow
    (date(2010, 11, 27), "AGE_UNDER_18"),  # 16 today
    (date(2008, 11, 28), "AGE_UNDER_18"),
    (date(2008, 11, 27), None),  # 18 today
])
def test_working_age_boundaries(born, code):
    problem = identity.check_working_age(born, TODAY)
    assert (problem.type if problem else None) == code


def test_phone_and_card():
    assert identity.normalize_mobile("+86 138-0013-8000") == "13800138000"
    for bad in ("12345678901", "02112345678", "+1 415 555 0100"):
        with pytest.raises(InvalidField):
            identity.normalize_mobile(bad)
    card = bank_card()
    assert identity.normalize_bank_card(card[:4] + " " + card[4:]) == card
    with pytest.raises(InvalidField) as err:
        identity.normalize_bank_card(card[:-1] + str((int(card[-1]) + 1) % 10))
    assert err.value.problem.type == "bank_card_checksum"


def test_masked_names():
    assert [identity.mask_name(n) for n in ("张三", "欧阳娜娜", "李")] == ["张*", "欧***", "*"]
