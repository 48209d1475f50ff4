"""Credit codes (DOMAIN.md section 2): the pure module and the API's answers."""

import pytest
from django.utils import translation

from enterprises.credit_codes import (
    InvalidCreditCode,
    check_credit_code,
    credit_check_character,
    make_credit_code,
    organisation_check_character,
)

VALID = "91110000600037341L"  # the worked example of DOMAIN.md


def test_worked_example_check_characters():
    # Weighted sum 538 -> 538 mod 31 = 11 -> 31 - 11 = 20 -> 'L'; organisation code 60003734 -> '1'.
    assert credit_check_character(VALID[:17]) == "L"
    assert organisation_check_character("60003734") == "1"


@pytest.mark.parametrize(
    "spelling",
    [
        VALID,
        VALID.lower(),
        "9111 0000 6000 3734 1L",
        "91110000-60003734-1L",
        "９１１１００００６０００３７３４１Ｌ",  # full-width digits and letter
        " ９１１１-００００ 60003734 1l ",
    ],
)
def test_accepted_spellings_are_normalised(spelling):
    assert check_credit_code(spelling) == VALID


def test_letters_in_positions_one_and_two_are_accepted():
    code = make_credit_code("Y1", "130123", "MA0K1B2C")
    assert code[:2] == "Y1"
    assert check_credit_code(code) == code


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("00000001", "9"),  # sum 1*2 = 2 -> 11 - 2 = 9
        ("10000000", "8"),  # sum 1*3 = 3 -> 8
        ("00000006", "X"),  # sum 6*2 = 12, 12 mod 11 = 1 -> 10 -> 'X'
        ("00000000", "0"),  # sum 0 -> 11 -> '0'
        ("A0000000", "3"),  # A = 10: 10*3 = 30, 30 mod 11 = 8 -> 3
    ],
)
def test_organisation_check_character(body, expected):
    assert organisation_check_character(body) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("91110000600037341", "18"),  # too short
        ("91110000600037341LL", "18"),  # too long
        ("91110000600037341I", "I"),  # I is never used
        ("9111000060003734OL", "O"),
        ("91AB0000600037341L", "3 to 8"),  # division must be digits
        ("91110000600037342L", "17"),  # wrong organisation check
        ("91110000600037341M", "L"),  # wrong final check: says what it should be
    ],
)
def test_invalid_codes_say_what_is_wrong(raw, fragment):
    # The fragments are English; Chinese (the default) has its own translations.
    with translation.override("en"), pytest.raises(InvalidCreditCode) as excinfo:
        check_credit_code(raw)
    assert fragment in str(excinfo.value)


ENTERPRISE = {
    "name": "石家庄测试机械有限公司",
    "industry": "C34",
    "district": "130123",
    "park": "zhengding",
    "employees": 120,
    "revenue": "5000.00",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "fragment"),
    [("123", "18"), ("91110000600037341M", "L"), ("91110000600037342L", "17"), ("91110000600037S41L", "S")],
)
def test_api_rejects_bad_credit_code_on_the_field(client_for, make_user, raw, fragment):
    response = client_for(make_user()).post(
        "/api/v1/enterprises/", {**ENTERPRISE, "credit_code": raw}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["credit_code"]
    assert fragment in response.json()["credit_code"][0]


@pytest.mark.django_db
def test_api_stores_normalised_and_refuses_duplicates(client_for, make_user):
    first = client_for(make_user()).post(
        "/api/v1/enterprises/", {**ENTERPRISE, "credit_code": "９１１１-0000 600037341l"}, format="json"
    )
    assert first.status_code == 201
    assert first.json()["credit_code"] == VALID
    again = client_for(make_user()).post(
        "/api/v1/enterprises/", {**ENTERPRISE, "credit_code": VALID.lower()}, format="json"
    )
    assert again.status_code == 400
    assert VALID in again.json()["credit_code"][0]


def test_messages_are_in_chinese_by_default():
    with pytest.raises(InvalidCreditCode) as excinfo:
        check_credit_code("91110000600037341M")
    assert str(excinfo.value) == "最后一位（校验码）应为 L，而不是 M。"
