"""Chinese identifiers: normalization, validation and masking. Pure functions, no database.

- 统一社会信用代码 (USCC, GB 32100-2015) of a registered social organization,
- filing number (备案号) of a filed-only community social organization (no national standard),
- resident identity card number (GB 11643-1999),
- mainland mobile and landline numbers.

Every rejection is one ``django.core.exceptions.ValidationError`` with a stable ASCII ``code``
(listed in each function's docstring) and ``params``; messages are English source strings in
params format, translated with ``gettext`` at validation time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

from core.dates import human_date

__all__ = [
    "USCC_CHECKSUM_ERROR_CODES",
    "USCC_SOCIAL_ORG_TYPES",
    "ResidentIdInfo",
    "clean_name",
    "has_control_characters",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "normalize_code",
    "normalize_filing_number",
    "normalize_name",
    "uscc_checksum_ok",
    "validate_filing_number",
    "validate_mobile_or_phone",
    "validate_resident_id",
    "validate_uscc",
]

# --- Normalization ------------------------------------------------------------------------

# Full-width ASCII (U+FF01..U+FF5E) → ASCII, the ideographic space → space, and the dash
# look-alikes that Chinese input methods and word processors produce → '-'.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH[0x3000] = ord(" ")
_HALF_WIDTH.update(
    dict.fromkeys(
        (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63), ord("-")
    )
)
_WHITESPACE = re.compile(r"\s+")
# Characters that print as nothing yet make two strings differ: they survive copy and paste
# from web pages, chat apps and office documents ("景新书画院\u200b" looks like "景新书画院").
# Format characters (Unicode category Cf: zero-width space and joiners, BOM, soft hyphen,
# bidi marks), control characters (Cc) that are not whitespace, variation selectors, the
# combining grapheme joiner and the Hangul fillers, which render blank.
_ALWAYS_INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0]
    + list(range(0x180B, 0x1810))
    + list(range(0xFE00, 0xFE10))
)


def _is_invisible(char: str) -> bool:
    if char.isspace():
        return False  # whitespace is collapsed or dropped by the callers, not removed here
    code = ord(char)
    return (
        unicodedata.category(char) in ("Cf", "Cc")
        or code in _ALWAYS_INVISIBLE
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
    )


def _drop_invisible(text: str) -> str:
    return "".join(char for char in text if not _is_invisible(char))


def _half_width(raw: str) -> str:
    return _drop_invisible(raw.translate(_HALF_WIDTH))


# Control characters that no single-line value or form field carries on purpose (C0 and C1
# controls and DEL); tab, line feed and carriage return are ordinary text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a NUL or another control character other than tab and the
    line breaks: PostgreSQL cannot store NUL, and Excel files cannot hold the others."""
    return bool(_CONTROL.search(text))


# --- Names (organizations, party organizations) -------------------------------------------


def clean_name(raw: str | None) -> str:
    """The name as stored: invisible and control characters removed, each run of whitespace
    one space, no space at either end. Everything visible is kept as typed (a full-width
    （） stays full-width: it is the usual Chinese spelling)."""
    return _WHITESPACE.sub(" ", _drop_invisible(raw or "")).strip()


def normalize_name(raw: str | None) -> str:
    """The key two names are compared by for uniqueness: NFKC (full-width letters, digits
    and punctuation folded, compatibility ideographs to their unified form), invisible and
    control characters removed, no whitespace at all, case folded.

    "景新书画院", "景新书画院\u200b", "景新 书画院" and "景新书画院" with full-width
    characters all give the same key; so do "ABC社" and "ａｂｃ社".
    """
    text = unicodedata.normalize("NFKC", _drop_invisible(raw or ""))
    return _WHITESPACE.sub("", _drop_invisible(text)).casefold()


def normalize_code(raw: str) -> str:
    """Full-width → half-width, drop all whitespace (incl. U+3000) and hyphens, upper-case."""
    text = _WHITESPACE.sub("", _half_width(raw or ""))
    return text.replace("-", "").upper()


# --- 统一社会信用代码 (GB 32100-2015) --------------------------------------------------------

USCC_SOCIAL_ORG_TYPES = {
    "1": _("social group"),
    "2": _("private non-enterprise unit"),
    "3": _("foundation"),
    "9": _("other"),
}
# Registration authority (position 1) of social organizations: civil affairs (民政).
_USCC_CIVIL_AFFAIRS = "5"
# GB 32100 character set: digits and capital letters without I, O, Z, S, V.
_USCC_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
_USCC_NEVER_USED = frozenset("IOZSV")
# Error codes of a failed check character; `checksum_exempt=True` accepts exactly these.
USCC_CHECKSUM_ERROR_CODES = frozenset(
    {"uscc_checksum", "uscc_org_code_checksum", "uscc_both_checksums"}
)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check_char(body: str) -> str:
    """GB 11714 check character of the 8-character organization code body (mod 11)."""
    # Digits count as themselves, letters A..Z as 10..35.
    total = sum(
        int(char, 36) * weight for char, weight in zip(body, _ORG_CODE_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _uscc_format_error(code: str) -> ValidationError | None:
    if len(code) != 18:
        return ValidationError(
            gettext("The code must have 18 characters; it has %(count)d."),
            code="uscc_length",
            params={"count": len(code)},
        )
    for position, char in enumerate(code, start=1):
        if char in _USCC_ALPHABET:
            continue
        if char in _USCC_NEVER_USED:
            message = gettext(
                "Character %(char)s at position %(position)d is not allowed "
                "(I, O, Z, S and V are never used)."
            )
        else:
            message = gettext(
                "Character %(char)s at position %(position)d is not allowed; "
                "the code uses only digits and capital letters."
            )
        return ValidationError(
            message, code="uscc_character", params={"char": char, "position": position}
        )
    for position in range(3, 9):
        char = code[position - 1]
        if not char.isdigit():
            return ValidationError(
                gettext(
                    "Positions 3 to 8 are the region code and must be digits; "
                    "position %(position)d is %(char)s."
                ),
                code="uscc_region",
                params={"char": char, "position": position},
            )
    return None


def _uscc_checksum_error(code: str) -> ValidationError | None:
    """Check both check characters of a well-formed 18-character code."""
    # Position 18: GB 32100 mod 31 over positions 1-17 (python-stdnum implements it).
    expected_last = stdnum_uscc.calc_check_digit(code[:17])
    # Position 17: GB 11714 mod 11 of the embedded organization code (positions 9-16);
    # python-stdnum 2.x does not check it.
    expected_org = _org_code_check_char(code[8:16])
    last_ok, org_ok = code[17] == expected_last, code[16] == expected_org
    if last_ok and org_ok:
        return None
    if not last_ok and not org_ok:
        # The position-18 character is computed over position 17, so "should be" would
        # mislead; most likely one of positions 1-16 is mistyped.
        return ValidationError(
            gettext(
                "Both check characters (positions 17 and 18) are wrong; "
                "the code is probably mistyped."
            ),
            code="uscc_both_checksums",
        )
    if not org_ok:
        return ValidationError(
            gettext(
                "The check character of the embedded organization code (position 17) "
                "should be %(expected)s, not %(actual)s."
            ),
            code="uscc_org_code_checksum",
            params={"expected": expected_org, "actual": code[16]},
        )
    return ValidationError(
        gettext("The check character (position 18) should be %(expected)s, not %(actual)s."),
        code="uscc_checksum",
        params={"expected": expected_last, "actual": code[17]},
    )


def complete_uscc(first16: str) -> str:
    """Add both check characters to 16 characters (registration authority, type, region
    and the 8-character organization code body): builds valid codes for demo data."""
    if len(first16) != 16:
        raise ValueError("need exactly 16 characters")
    with_org_check = first16 + _org_code_check_char(first16[8:16])
    return with_org_check + stdnum_uscc.calc_check_digit(with_org_check)


def uscc_checksum_ok(raw: str) -> bool:
    """True when the code is well formed and both check characters (17 and 18) are right."""
    code = normalize_code(raw)
    return _uscc_format_error(code) is None and _uscc_checksum_error(code) is None


def validate_uscc(
    raw: str, *, expected_type: str | None = None, checksum_exempt: bool = False
) -> str:
    """Validate the USCC of a social organization and return it normalized.

    Error codes, in the order checked: ``uscc_length``, ``uscc_character``, ``uscc_region``
    (positions 3-8 not digits), ``uscc_checksum`` (position 18), ``uscc_org_code_checksum``
    (position 17), ``uscc_both_checksums``, ``uscc_not_social_org`` (position 1 is not 5),
    ``uscc_social_org_type`` (position 2 is not 1, 2, 3 or 9), ``uscc_type_mismatch``
    (position 2 differs from ``expected_type``).

    ``checksum_exempt=True`` (a staff-approved exemption for legally issued pilot codes)
    accepts the three checksum errors; every other rule still applies.
    """
    if expected_type is not None and expected_type not in USCC_SOCIAL_ORG_TYPES:
        raise ValueError(f"expected_type must be one of {sorted(USCC_SOCIAL_ORG_TYPES)}")
    code = normalize_code(raw)
    error = _uscc_format_error(code)
    if error is None and not checksum_exempt:
        error = _uscc_checksum_error(code)
    if error is not None:
        raise error
    if code[0] != _USCC_CIVIL_AFFAIRS:
        raise ValidationError(
            gettext(
                "Position 1 must be 5 for a social organization registered with civil "
                "affairs; this code starts with %(char)s (not a social organization)."
            ),
            code="uscc_not_social_org",
            params={"char": code[0]},
        )
    actual_type = code[1]
    if actual_type not in USCC_SOCIAL_ORG_TYPES:
        raise ValidationError(
            gettext(
                "Position 2 is %(char)s, which is not a social organization type "
                "(1 social group, 2 private non-enterprise unit, 3 foundation, 9 other)."
            ),
            code="uscc_social_org_type",
            params={"char": actual_type},
        )
    if expected_type is not None and actual_type != expected_type:
        raise ValidationError(
            gettext(
                "Position 2 is %(actual)s, which means %(actual_label)s, "
                "but the legal status is %(expected_label)s."
            ),
            code="uscc_type_mismatch",
            params={
                "actual": actual_type,
                "actual_label": str(USCC_SOCIAL_ORG_TYPES[actual_type]),
                "expected": expected_type,
                "expected_label": str(USCC_SOCIAL_ORG_TYPES[expected_type]),
            },
        )
    return code


# --- Filing number (备案号) of a filed-only community social organization -------------------

# Square and lenticular brackets (〔2021〕 is the usual style of Chinese document numbers)
# are stored as parentheses, so one number has one spelling.
_BRACKETS = str.maketrans({"[": "(", "]": ")", "〔": "(", "〕": ")", "【": "(", "】": ")"})
_FILING_MIN, _FILING_MAX = 4, 30


def _is_cjk(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"  # CJK Unified Ideographs
        or "\u3400" <= char <= "\u4dbf"  # Extension A
        or char == "\u3007"  # 〇, the ideographic zero in 二〇二一
    )


def normalize_filing_number(raw: str) -> str:
    """Full-width → half-width, drop whitespace, brackets → parentheses, upper-case.

    Hyphens are kept: in a filing number they are part of the number.
    """
    text = _WHITESPACE.sub("", _half_width(raw or ""))
    return text.translate(_BRACKETS).upper()


def validate_filing_number(raw: str) -> str:
    """Validate the filing number of a filed-only organization and return it normalized.

    There is no national standard: after normalization, 4 to 30 characters of Chinese
    characters, A-Z, 0-9, '-', '(' and ')', with at least one digit.
    Error codes: ``filing_number_required``, ``filing_number_length``,
    ``filing_number_character``, ``filing_number_no_digit``.
    """
    number = normalize_filing_number(raw)
    if not number:
        raise ValidationError(gettext("Enter the filing number."), code="filing_number_required")
    if not _FILING_MIN <= len(number) <= _FILING_MAX:
        raise ValidationError(
            gettext("A filing number has %(min)d to %(max)d characters; this one has %(count)d."),
            code="filing_number_length",
            params={"min": _FILING_MIN, "max": _FILING_MAX, "count": len(number)},
        )
    for position, char in enumerate(number, start=1):
        if not (char in "-()" or ("0" <= char <= "9") or ("A" <= char <= "Z") or _is_cjk(char)):
            raise ValidationError(
                gettext(
                    "Character %(char)s at position %(position)d is not allowed in a filing "
                    "number (only Chinese characters, letters, digits, '-' and parentheses)."
                ),
                code="filing_number_character",
                params={"char": char, "position": position},
            )
    if not any("0" <= char <= "9" for char in number):
        raise ValidationError(
            gettext("A filing number must contain at least one digit."),
            code="filing_number_no_digit",
        )
    return number


# --- Resident identity card number (GB 11643-1999) ----------------------------------------

_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"
_RESIDENT_ID_FORMAT = re.compile(r"\d{17}[\dX]")
_EARLIEST_BIRTH_DATE = date(1900, 1, 1)


@dataclass(frozen=True)
class ResidentIdInfo:
    number: str  # normalized, 18 characters
    birth_date: date
    sex: str  # "M" or "F"
    region: str  # first 6 digits; not checked against a region table (see STACK.md)


def _resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True)
    )
    return _RESIDENT_ID_CHECK[total % 11]


def _sex_label(sex: str) -> str:
    return gettext("male") if sex == "M" else gettext("female")


def _today() -> date:
    return timezone.localdate() if settings.USE_TZ else date.today()


def validate_resident_id(
    raw: str, *, birth_date: date | None = None, sex: str | None = None
) -> ResidentIdInfo:
    """Validate an 18-character resident ID number and return what it encodes.

    The region code is not checked against a table: retired codes are on real cards.
    When ``birth_date`` or ``sex`` ('M'/'F') is given, it must match the number.
    Error codes: ``resident_id_length``, ``resident_id_format``, ``resident_id_checksum``,
    ``resident_id_birth_date``, ``resident_id_birth_date_future``,
    ``resident_id_birth_date_too_early``, ``resident_id_birth_date_mismatch``,
    ``resident_id_sex_mismatch``.
    """
    if sex is not None and sex.upper() not in ("M", "F"):
        raise ValueError("sex must be 'M' or 'F'")
    number = normalize_code(raw)
    if len(number) != 18:
        raise ValidationError(
            gettext("A resident ID number has 18 characters; this one has %(count)d."),
            code="resident_id_length",
            params={"count": len(number)},
        )
    if not _RESIDENT_ID_FORMAT.fullmatch(number):
        raise ValidationError(
            gettext("A resident ID number is 17 digits followed by a digit or X."),
            code="resident_id_format",
        )
    expected = _resident_id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            gettext("The check character (position 18) should be %(expected)s, not %(actual)s."),
            code="resident_id_checksum",
            params={"expected": expected, "actual": number[17]},
        )
    digits = number[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValidationError(
            gettext("Positions 7 to 14 (%(value)s) are not a valid birth date."),
            code="resident_id_birth_date",
            params={"value": digits},
        ) from None
    if born > _today():
        raise ValidationError(
            gettext("The birth date in the number (%(date)s) is in the future."),
            code="resident_id_birth_date_future",
            params={"date": human_date(born)},
        )
    if born < _EARLIEST_BIRTH_DATE:
        raise ValidationError(
            gettext("The birth date in the number (%(date)s) is before 1900."),
            code="resident_id_birth_date_too_early",
            params={"date": human_date(born)},
        )
    info = ResidentIdInfo(
        number=number,
        birth_date=born,
        sex="M" if int(number[16]) % 2 else "F",
        region=number[:6],
    )
    if birth_date is not None:
        if isinstance(birth_date, datetime):
            birth_date = birth_date.date()
        if birth_date != info.birth_date:
            raise ValidationError(
                gettext(
                    "The number gives the birth date %(actual)s, but the birth date "
                    "entered is %(expected)s."
                ),
                code="resident_id_birth_date_mismatch",
                params={
                    "actual": human_date(info.birth_date),
                    "expected": human_date(birth_date),
                },
            )
    if sex is not None and sex.upper() != info.sex:
        raise ValidationError(
            gettext(
                "The number is that of a %(actual)s person (position 17), but the sex "
                "entered is %(expected)s."
            ),
            code="resident_id_sex_mismatch",
            params={"actual": _sex_label(info.sex), "expected": _sex_label(sex.upper())},
        )
    return info


# --- Masking ------------------------------------------------------------------------------


def _mask(text: str, keep_start: int, keep_end: int) -> str:
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + "*" * hidden + text[len(text) - keep_end :]


def mask_id_number(raw: str | None) -> str:
    """'11010519491231002X' → '110105********002X'; '' for empty input.

    18 characters (and any length >= 15): first 6 and last 4 kept. 8 to 14 characters
    (passports and other documents): first 2 and last 2 kept. Shorter: all asterisks.
    """
    number = normalize_code(raw or "")
    if len(number) >= 15:
        return _mask(number, 6, 4)
    if len(number) >= 8:
        return _mask(number, 2, 2)
    return "*" * len(number)


def mask_name(raw: str | None) -> str:
    """A person's name as public pages show it: '王小华' → '王*华', '王华' → '王*',
    '欧阳小华' → '欧**华', 'Alice Wang' → 'A********g'; '' for empty input. The first
    character is kept (the family name), and the last one when there are three or more."""
    name = clean_name(raw)
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return _mask(name, 1, 1)


# --- Phone numbers ------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086)(?=1)")


def _phone_digits(raw: str | None) -> str:
    """Half-width, without whitespace, hyphens, parentheses and a +86/0086 before a mobile."""
    text = _WHITESPACE.sub("", _half_width(raw or ""))
    text = text.replace("-", "").replace("(", "").replace(")", "")
    return _COUNTRY_PREFIX.sub("", text)


def _area_code_length(digits: str) -> int:
    # Mainland numbering plan: 010 and 020-029 are the only 3-digit area codes.
    return 3 if digits.startswith(("010", "02")) else 4


def mask_phone(raw: str | None) -> str:
    """'13812345678' → '138****5678'; other numbers keep the first 3 and last 2 digits when
    they have at least 7, else all asterisks; '' for empty input. Separators are dropped."""
    digits = _phone_digits(raw)
    if _MOBILE.fullmatch(digits):
        return _mask(digits, 3, 4)
    if len(digits) >= 7:
        return _mask(digits, 3, 2)
    return "*" * len(digits)


def validate_mobile_or_phone(raw: str) -> str:
    """Validate a mainland mobile or landline number and return it normalized.

    Mobiles come back as 11 digits ('138 1234 5678' → '13812345678'), landlines as
    'area-number' ('057186001234' → '0571-86001234'). Error code: ``phone_invalid``.
    """
    digits = _phone_digits(raw)
    if _MOBILE.fullmatch(digits):
        return digits
    if _LANDLINE.fullmatch(digits):
        area = _area_code_length(digits)
        local = digits[area:]
        if 7 <= len(local) <= 8:
            return f"{digits[:area]}-{local}"
    raise ValidationError(
        gettext(
            "Enter a mainland mobile number (11 digits starting with 1) or a landline "
            "number with its area code, such as 0571-86001234."
        ),
        code="phone_invalid",
    )
