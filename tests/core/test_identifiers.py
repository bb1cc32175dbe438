import json
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from core.identifiers import (
    USCC_CHECKSUM_ERROR_CODES,
    USCC_SOCIAL_ORG_TYPES,
    ResidentIdInfo,
    mask_id_number,
    mask_phone,
    normalize_code,
    normalize_filing_number,
    uscc_checksum_ok,
    validate_filing_number,
    validate_mobile_or_phone,
    validate_resident_id,
    validate_uscc,
)

# Published identifier vectors (a copy of shared/data/vectors.json, kept with the tests so
# the suite runs anywhere). A missing file is a failure, never a skip.
VECTORS_PATH = Path(__file__).resolve().parents[1] / "data" / "identifier_vectors.json"


def _load_vectors() -> dict:
    if not VECTORS_PATH.is_file():
        raise FileNotFoundError(
            f"{VECTORS_PATH} is missing: restore it from shared/data/vectors.json."
        )
    return json.loads(VECTORS_PATH.read_text(encoding="utf-8"))


VECTORS = _load_vectors()
USCC = VECTORS["uscc"]
SOCIAL_ORGS = [v["code"] for v in USCC["valid_social_organizations"]]
NOT_SOCIAL_ORGS = [v["code"] for v in USCC["valid_not_social_organizations"]]
INVALID = [v["code"] for v in USCC["invalid"]]
PILOTS = [v["code"] for v in USCC["legal_but_failing_checksum"]]
RESIDENT_VALID = [v["code"] for v in VECTORS["resident_id"]["valid"]]
RESIDENT_INVALID = [v["code"] for v in VECTORS["resident_id"]["invalid"]]

FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def to_full_width(text: str) -> str:
    return "".join(FULL_WIDTH.get(c, c) for c in text)


def raised(func, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return info.value


def english(error: ValidationError) -> str:
    return error.messages[0]


# Independent reference implementations, used to build test numbers.
def org_code_check(body: str) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    value = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
    r = 11 - sum(value[c] * w for c, w in zip(body, weights, strict=True)) % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def make_uscc(first16: str) -> str:
    first17 = first16 + org_code_check(first16[8:16])
    return first17 + stdnum_uscc.calc_check_digit(first17)


def make_resident_id(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return (
        first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    )


# --- The vectors file ------------------------------------------------------------------


def test_it_finds_every_vector_group():
    assert SOCIAL_ORGS and NOT_SOCIAL_ORGS and INVALID and PILOTS
    assert RESIDENT_VALID and RESIDENT_INVALID


# --- normalize_code --------------------------------------------------------------------


def test_it_normalizes_full_width_spaces_hyphens_and_case():
    raw = " ５３１０\u3000００００－５０００ １９７９５ａ\t"
    assert normalize_code(raw) == "53100000500019795A"
    assert normalize_code("5310-0000 5000\u200b19795a") == "53100000500019795A"
    assert normalize_code("") == ""


# --- USCC vectors ----------------------------------------------------------------------


@pytest.mark.parametrize("code", SOCIAL_ORGS)
def test_it_accepts_every_valid_social_organization_vector(code):
    assert uscc_checksum_ok(code)
    assert validate_uscc(code) == code
    assert validate_uscc(code, expected_type=code[1]) == code


@pytest.mark.parametrize("code", SOCIAL_ORGS)
def test_it_accepts_full_width_lower_case_and_spaced_input(code):
    assert validate_uscc(to_full_width(code.lower())) == code
    spaced = f" {code[:2]}\u3000{code[2:8]} {code[8:17]}-{code[17:].lower()} "
    assert validate_uscc(spaced) == code
    assert uscc_checksum_ok(spaced)


@pytest.mark.parametrize("code", NOT_SOCIAL_ORGS)
def test_it_rejects_enterprise_codes_with_valid_checksums(code):
    assert uscc_checksum_ok(code)
    error = raised(validate_uscc, code)
    assert error.code == "uscc_not_social_org"
    assert error.params == {"char": "9"}


def test_it_says_why_an_enterprise_code_is_rejected():
    with translation.override("en"):
        error = raised(validate_uscc, NOT_SOCIAL_ORGS[0])
        assert english(error) == (
            "Position 1 must be 5 for a social organization registered with civil affairs; "
            "this code starts with 9 (not a social organization)."
        )


@pytest.mark.parametrize("code", INVALID)
def test_it_rejects_every_invalid_vector(code):
    assert not uscc_checksum_ok(code)
    error = raised(validate_uscc, code)
    assert error.code in USCC_CHECKSUM_ERROR_CODES | {"uscc_character"}


@pytest.mark.parametrize(
    ("code", "error_code", "params"),
    [
        ("53100000500020462H", "uscc_checksum", {"expected": "K", "actual": "H"}),
        ("51100000500000024G", "uscc_both_checksums", None),
        ("51330100MJ1234567Z", "uscc_character", {"char": "Z", "position": 18}),
        ("91350100M000100Y4A", "uscc_checksum", {"expected": "3", "actual": "A"}),
    ],
)
def test_it_names_the_failing_rule_of_each_invalid_vector(code, error_code, params):
    assert code in INVALID
    error = raised(validate_uscc, code)
    assert error.code == error_code
    assert error.params == params


def test_it_explains_a_wrong_check_character():
    with translation.override("en"):
        error = raised(validate_uscc, "53100000500020462H")
        assert english(error) == "The check character (position 18) should be K, not H."


def test_it_reports_a_wrong_organization_code_check_character():
    # Position 17 wrong, position 18 recomputed so that only the mod-11 check fails.
    first17 = "53100000500019794"
    code = first17 + stdnum_uscc.calc_check_digit(first17)
    assert stdnum_uscc.is_valid(code)  # python-stdnum does not check position 17
    assert not uscc_checksum_ok(code)
    error = raised(validate_uscc, code)
    assert error.code == "uscc_org_code_checksum"
    assert error.params == {"expected": "5", "actual": "4"}
    assert validate_uscc(code, checksum_exempt=True) == code


@pytest.mark.parametrize("code", PILOTS)
def test_it_rejects_pilot_codes_unless_exempt_from_the_checksum(code):
    assert not uscc_checksum_ok(code)
    assert raised(validate_uscc, code).code in USCC_CHECKSUM_ERROR_CODES
    # With the exemption the checksum no longer counts; these pilot codes are enterprise
    # codes (91), so the social-organization rule is what rejects them now.
    assert raised(validate_uscc, code, checksum_exempt=True).code == "uscc_not_social_org"


def test_it_accepts_a_social_organization_code_failing_the_checksum_when_exempt():
    code = "53100000500020462H"
    assert validate_uscc(code, checksum_exempt=True) == code
    assert validate_uscc(code.lower(), checksum_exempt=True, expected_type="3") == code


def test_it_still_enforces_format_and_length_when_exempt():
    assert raised(validate_uscc, "51330100MJ1234567Z", checksum_exempt=True).code == (
        "uscc_character"
    )
    assert raised(validate_uscc, "5310000050002046", checksum_exempt=True).code == "uscc_length"


@pytest.mark.parametrize(
    ("raw", "count"), [("5310000050001979", 16), ("531000005000197951A", 19), ("", 0)]
)
def test_it_rejects_a_code_of_the_wrong_length(raw, count):
    with translation.override("en"):
        error = raised(validate_uscc, raw)
        assert english(error) == f"The code must have 18 characters; it has {count}."
    assert error.code == "uscc_length"
    assert error.params == {"count": count}


@pytest.mark.parametrize(
    ("raw", "char", "position"),
    [
        ("53100000500019795I", "I", 18),
        ("531000005O0019795A", "O", 10),
        ("53100000#00019795A", "#", 9),
    ],
)
def test_it_rejects_characters_outside_the_code_alphabet(raw, char, position):
    error = raised(validate_uscc, raw)
    assert error.code == "uscc_character"
    assert error.params == {"char": char, "position": position}


def test_it_explains_which_letters_are_never_used():
    with translation.override("en"):
        error = raised(validate_uscc, "53100000500019795I")
        assert english(error) == (
            "Character I at position 18 is not allowed (I, O, Z, S and V are never used)."
        )


def test_it_requires_digits_in_the_region_code():
    code = make_uscc("5310A000500019795"[:16])
    error = raised(validate_uscc, code)
    assert error.code == "uscc_region"
    assert error.params == {"char": "A", "position": 5}


def test_it_rejects_a_civil_affairs_code_with_an_unknown_type():
    code = make_uscc("5410000050001979")
    assert uscc_checksum_ok(code)
    error = raised(validate_uscc, code)
    assert error.code == "uscc_social_org_type"
    assert error.params == {"char": "4"}


def test_it_rejects_a_foundation_code_for_a_social_group():
    foundation = next(code for code in SOCIAL_ORGS if code.startswith("53"))
    error = raised(validate_uscc, foundation, expected_type="1")
    assert error.code == "uscc_type_mismatch"
    assert error.params["actual"] == "3"
    assert error.params["expected"] == "1"
    with translation.override("en"):
        error = raised(validate_uscc, foundation, expected_type="1")
        assert english(error) == (
            "Position 2 is 3, which means foundation, but the legal status is social group."
        )


def test_it_accepts_every_social_organization_type():
    assert set(USCC_SOCIAL_ORG_TYPES) == {"1", "2", "3", "9"}
    for kind in USCC_SOCIAL_ORG_TYPES:
        code = make_uscc(f"5{kind}10000050001979")
        assert validate_uscc(code, expected_type=kind) == code


def test_it_refuses_an_unknown_expected_type_as_a_programming_error():
    with pytest.raises(ValueError):
        validate_uscc(SOCIAL_ORGS[0], expected_type="4")


# --- Filing numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("上城备字2021第015号", "上城备字2021第015号"),
        ("KX-2021-015", "KX-2021-015"),
        ("kx-2021-015", "KX-2021-015"),
        ("ＫＸ－２０２１－０１５", "KX-2021-015"),
        (" 上城备字 2021\u3000第015号 ", "上城备字2021第015号"),
        ("上城民备（2021）15号", "上城民备(2021)15号"),
        ("上城民备〔2021〕15号", "上城民备(2021)15号"),
        ("杭上民备二〇二一第3号", "杭上民备二〇二一第3号"),
    ],
)
def test_it_accepts_and_normalizes_filing_numbers(raw, expected):
    assert validate_filing_number(raw) == expected


def test_it_keeps_hyphens_in_filing_numbers_only():
    assert normalize_filing_number("kx-2021-015") == "KX-2021-015"
    assert normalize_code("kx-2021-015") == "KX2021015"


@pytest.mark.parametrize(
    ("raw", "error_code"),
    [
        ("", "filing_number_required"),
        (" \u3000 ", "filing_number_required"),
        ("A1", "filing_number_length"),
        ("KX-" + "1" * 28, "filing_number_length"),
        ("KX_2021_015", "filing_number_character"),
        ("KX/2021/015", "filing_number_character"),
        ("上城备字2021第015号。", "filing_number_character"),
        ("暂无编号", "filing_number_no_digit"),
    ],
)
def test_it_rejects_bad_filing_numbers(raw, error_code):
    assert raised(validate_filing_number, raw).code == error_code


def test_it_accepts_a_filing_number_of_thirty_characters():
    assert validate_filing_number("KX-" + "1" * 27) == "KX-" + "1" * 27


def test_it_names_the_bad_character_in_a_filing_number():
    error = raised(validate_filing_number, "KX/2021")
    assert error.params == {"char": "/", "position": 3}


# --- Resident ID -----------------------------------------------------------------------


@pytest.mark.parametrize("number", RESIDENT_VALID)
def test_it_accepts_every_valid_resident_id_vector(number):
    info = validate_resident_id(number)
    assert isinstance(info, ResidentIdInfo)
    assert info.number == number
    assert info.region == number[:6]


def test_it_decodes_the_standard_example():
    info = validate_resident_id("11010519491231002X")
    assert info == ResidentIdInfo(
        number="11010519491231002X", birth_date=date(1949, 12, 31), sex="F", region="110105"
    )
    with pytest.raises(AttributeError):
        info.sex = "M"


@pytest.mark.parametrize(
    "raw", ["11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ", "110105 19491231 002X"]
)
def test_it_normalizes_resident_ids(raw):
    assert validate_resident_id(raw).number == "11010519491231002X"


def test_it_reads_the_sex_from_the_17th_digit():
    assert validate_resident_id(make_resident_id("11010519491231001")).sex == "M"


@pytest.mark.parametrize("number", RESIDENT_INVALID)
def test_it_rejects_every_invalid_resident_id_vector(number):
    error = raised(validate_resident_id, number)
    assert error.code == "resident_id_checksum"


def test_it_says_which_check_character_a_resident_id_needs():
    with translation.override("en"):
        error = raised(validate_resident_id, "110105194912310021")
        assert english(error) == "The check character (position 18) should be X, not 1."
    assert error.params == {"expected": "X", "actual": "1"}


def test_it_accepts_a_retired_region_code():
    # 330103 was Hangzhou's Xiacheng district (merged into Gongshu in 2021): real cards carry
    # it, python-stdnum rejects it.
    number = make_resident_id("33010319800101001")
    assert not ric.is_valid(number)
    assert validate_resident_id(number).region == "330103"


@pytest.mark.parametrize(
    ("raw", "error_code"),
    [
        ("1101051949123100", "resident_id_length"),
        ("110105491231002", "resident_id_length"),  # first-generation 15-digit number
        ("11010519491231X02X", "resident_id_format"),
        ("", "resident_id_length"),
    ],
)
def test_it_rejects_malformed_resident_ids(raw, error_code):
    assert raised(validate_resident_id, raw).code == error_code


@pytest.mark.parametrize(
    ("first17", "error_code"),
    [
        ("11010519490231002", "resident_id_birth_date"),
        ("11010519491300002", "resident_id_birth_date"),
        ("11010518991231002", "resident_id_birth_date_too_early"),
        ("11010520991231002", "resident_id_birth_date_future"),
    ],
)
def test_it_rejects_impossible_birth_dates(first17, error_code):
    assert raised(validate_resident_id, make_resident_id(first17)).code == error_code


def test_it_accepts_a_birth_on_the_earliest_allowed_day():
    assert validate_resident_id(make_resident_id("11010519000101002")).birth_date == date(
        1900, 1, 1
    )


def test_it_compares_the_birth_date_with_today_in_china():
    born_today = make_resident_id("11010520260301002")
    born_tomorrow = make_resident_id("11010520260302002")
    # 2026-03-01 17:00 UTC is already 2026-03-02 01:00 in Shanghai.
    with time_machine.travel(datetime.fromisoformat("2026-03-01T17:00:00+00:00"), tick=False):
        assert validate_resident_id(born_today).birth_date == date(2026, 3, 1)
        assert validate_resident_id(born_tomorrow).birth_date == date(2026, 3, 2)
    with time_machine.travel(datetime.fromisoformat("2026-03-01T12:00:00+08:00"), tick=False):
        error = raised(validate_resident_id, born_tomorrow)
        assert error.code == "resident_id_birth_date_future"


def test_it_accepts_matching_birth_date_and_sex():
    info = validate_resident_id("11010519491231002X", birth_date=date(1949, 12, 31), sex="F")
    assert info.sex == "F"
    assert validate_resident_id("11010519491231002X", sex="f").sex == "F"


def test_it_rejects_a_birth_date_that_does_not_match_the_number():
    with translation.override("en"):
        error = raised(validate_resident_id, "11010519491231002X", birth_date=date(1949, 12, 30))
        assert english(error) == (
            "The number gives the birth date Dec. 31, 1949, "
            "but the birth date entered is Dec. 30, 1949."
        )
    assert error.code == "resident_id_birth_date_mismatch"
    assert error.params == {"actual": "Dec. 31, 1949", "expected": "Dec. 30, 1949"}


def test_it_rejects_a_sex_that_does_not_match_the_number():
    error = raised(validate_resident_id, "11010519491231002X", sex="M")
    assert error.code == "resident_id_sex_mismatch"
    with translation.override("en"):
        error = raised(validate_resident_id, "11010519491231002X", sex="M")
        assert english(error) == (
            "The number is that of a female person (position 17), but the sex entered is male."
        )


def test_it_refuses_an_unknown_sex_as_a_programming_error():
    with pytest.raises(ValueError):
        validate_resident_id("11010519491231002X", sex="X")


# --- Masking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("110105 19491231 002x", "110105********002X"),
        ("110105491231002", "110105*****1002"),
        ("E12345678", "E1*****78"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_id_numbers(raw, masked):
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("0571-86001234", "057*******34"),
        ("86001234", "860***34"),
        ("8600123", "860**23"),
        ("123456", "******"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_phone_numbers(raw, masked):
    assert mask_phone(raw) == masked


# --- Phone numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("19912345678", "19912345678"),
        ("0571-86001234", "0571-86001234"),
        ("057186001234", "0571-86001234"),
        ("０５７１－８６００１２３４", "0571-86001234"),
        ("(0571) 8600 1234", "0571-86001234"),
        ("0571-8600123", "0571-8600123"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("021 6123 4567", "021-61234567"),
    ],
)
def test_it_accepts_and_normalizes_phone_numbers(raw, expected):
    assert validate_mobile_or_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12812345678",
        "1381234567",
        "138123456789",
        "0571-123456",
        "0571-860012345",
        "0571-86001234-801",
        "86001234",
        "abc",
    ],
)
def test_it_rejects_bad_phone_numbers(raw):
    assert raised(validate_mobile_or_phone, raw).code == "phone_invalid"
