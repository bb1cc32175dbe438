"""The Excel file format of the organization registry: columns, choice labels, cell readers.

The headers and choice labels below are a file format, not UI text: they are fixed Chinese
strings, the same whatever language the user reads the platform in, and they are mapped to
the ASCII keys of ``incubation.choices`` here, explicitly. No logic keys on translated text.

Line numbers are Excel line numbers: the header is line 1, the first data row is line 2.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.excel import FIRST_DATA_LINE as FIRST_DATA_LINE
from core.excel import check_headers, is_blank
from core.identifiers import (
    USCC_CHECKSUM_ERROR_CODES,
    clean_name,
    validate_filing_number,
    validate_mobile_or_phone,
    validate_uscc,
)
from incubation.choices import USCC_TYPE_FOR_STATUS, LegalStatus, PoliticalStatus, ServiceField
from incubation.models import Organization
from incubation.services import clean_identifiers

# --- Columns ------------------------------------------------------------------------------

NAME = "组织名称"
USCC = "统一社会信用代码"
FILING_NUMBER = "备案编号"
LEGAL_STATUS = "法律形态"
COMMUNITY = "所属社区"
SERVICE_FIELD = "服务领域"
FOUNDED_ON = "成立日期"
LEADER_NAME = "负责人"
LEADER_POLITICAL_STATUS = "负责人政治面貌"
LEADER_PHONE = "联系电话"
PARTY_MEMBER_COUNT = "党员人数"

# (header, model field), in the order of the file.
COLUMNS = (
    (NAME, "name"),
    (USCC, "uscc"),
    (FILING_NUMBER, "filing_number"),
    (LEGAL_STATUS, "legal_status"),
    (COMMUNITY, "community"),
    (SERVICE_FIELD, "service_field"),
    (FOUNDED_ON, "founded_on"),
    (LEADER_NAME, "leader_name"),
    (LEADER_POLITICAL_STATUS, "leader_political_status"),
    (LEADER_PHONE, "leader_phone"),
    (PARTY_MEMBER_COUNT, "party_member_count"),
)
HEADERS = tuple(header for header, _field in COLUMNS)
FIELD_FOR_HEADER = dict(COLUMNS)
HEADER_FOR_FIELD = {field_name: header for header, field_name in FIELD_FOR_HEADER.items()}

# --- Choice labels (what the export writes; the import accepts these and the aliases) ------

LEGAL_STATUS_LABELS = {
    LegalStatus.SOCIAL_GROUP: "社会团体",
    LegalStatus.PRIVATE_NON_ENTERPRISE: "民办非企业单位",
    LegalStatus.FOUNDATION: "基金会",
    LegalStatus.FILED: "备案",
}
# The full labels of the platform's Chinese catalogue, as people copy them from a screen.
_LEGAL_STATUS_ALIASES = {
    "社会团体(登记)": LegalStatus.SOCIAL_GROUP,
    "民办非企业单位(登记)": LegalStatus.PRIVATE_NON_ENTERPRISE,
    "基金会(登记)": LegalStatus.FOUNDATION,
    "社区社会组织(备案)": LegalStatus.FILED,
}
SERVICE_FIELD_LABELS = {
    ServiceField.RESIDENT_SERVICES: "为民服务",
    ServiceField.NEIGHBOURLY_HELP: "邻里互助",
    ServiceField.CHARITY: "公益慈善",
    ServiceField.SAFETY: "平安创建",
    ServiceField.CULTURE_SPORTS: "文体娱乐",
    ServiceField.ELDERLY: "养老",
    ServiceField.DISABILITY: "助残",
    ServiceField.YOUTH: "儿童青少年",
    ServiceField.ENVIRONMENT: "环保",
    ServiceField.OTHER: "其他",
}
POLITICAL_STATUS_LABELS = {
    PoliticalStatus.PARTY_MEMBER: "中共党员",
    PoliticalStatus.PROBATIONARY_MEMBER: "中共预备党员",
    PoliticalStatus.LEAGUE_MEMBER: "共青团员",
    PoliticalStatus.DEMOCRATIC_PARTY: "民主党派",
    PoliticalStatus.MASSES: "群众",
}
_POLITICAL_STATUS_ALIASES = {
    "党员": PoliticalStatus.PARTY_MEMBER,
    "预备党员": PoliticalStatus.PROBATIONARY_MEMBER,
    "团员": PoliticalStatus.LEAGUE_MEMBER,
}


def _normalized(text: str) -> str:
    """Full-width → half-width (NFKC), no whitespace, lower case: for matching only."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def lookup_table(labels: dict, aliases: dict | None = None) -> dict[str, str]:
    """Normalized label, key and alias → key, for reading a choice typed in a cell."""
    table = {}
    for key, label in labels.items():
        table[_normalized(label)] = str(key)
        table[_normalized(str(key))] = str(key)  # the ASCII key itself
    for alias, key in (aliases or {}).items():
        table[_normalized(alias)] = str(key)
    return table


_LEGAL_STATUS_LOOKUP = lookup_table(LEGAL_STATUS_LABELS, _LEGAL_STATUS_ALIASES)
_SERVICE_FIELD_LOOKUP = lookup_table(SERVICE_FIELD_LABELS)
_POLITICAL_STATUS_LOOKUP = lookup_table(POLITICAL_STATUS_LABELS, _POLITICAL_STATUS_ALIASES)


# --- Errors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in the file.

    ``line`` is the Excel line number (the header is line 1, the first data row line 2),
    None for a problem with the whole file. ``column`` is the header of the column, "" when
    the problem is not about one cell. ``code`` is a stable ASCII code; ``reason`` and
    ``message`` are translated when the error is made.
    """

    line: int | None
    column: str
    code: str
    reason: str
    message: str = field(init=False, compare=False)

    def __post_init__(self):
        if self.line is None:
            message = self.reason
        elif self.column:
            message = _("Line %(line)d, column %(column)s: %(reason)s") % {
                "line": self.line,
                "column": self.column,
                "reason": self.reason,
            }
        else:
            message = _("Line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}
        object.__setattr__(self, "message", message)

    def __str__(self):
        return self.message

    @property
    def sort_key(self) -> tuple[int, int]:
        column = HEADERS.index(self.column) if self.column in HEADERS else -1
        return (self.line or 0, column)


class CellError(Exception):
    """A cell that cannot be read; becomes a RowError once line and column are known."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def required_error() -> CellError:
    return CellError("required", _("This column must be filled in."))


# --- Cell readers -------------------------------------------------------------------------

# 15 significant digits is all an Excel number keeps; longer numbers have lost digits.
_EXACT_NUMBER_LIMIT = 10**15


def read_text(value, *, max_length: int | None = None, exact: bool = False) -> str:
    """A cell as stripped text ("" when empty).

    ``exact`` is for codes and phone numbers: a number cell that may have lost digits
    (a fraction, or more than 15 digits) is refused rather than guessed.
    """
    if value is None:
        return ""
    if isinstance(value, int):  # bool too
        text = str(value)
    elif isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_NUMBER_LIMIT:
            text = str(int(value))
        elif exact:
            raise CellError(
                "number_cell",
                _(
                    "Excel stored this cell as a number and may have dropped digits; "
                    "format the column as text and enter the value again."
                ),
            )
        else:
            text = str(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        text = value.isoformat()
    else:
        text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(
            "too_long",
            _("At most %(max)d characters are allowed; this has %(count)d.")
            % {"max": max_length, "count": len(text)},
        )
    return text


def read_choice(value, lookup: dict[str, str], labels: dict) -> str:
    text = read_text(value)
    if not text:
        return ""
    key = lookup.get(_normalized(text))
    if key is None:
        raise CellError(
            "choice_invalid",
            _("%(value)s is not one of the allowed values: %(choices)s.")
            % {"value": text, "choices": "、".join(labels.values())},
        )
    return key


def read_legal_status(value) -> str:
    return read_choice(value, _LEGAL_STATUS_LOOKUP, LEGAL_STATUS_LABELS)


def read_service_field(value) -> str:
    return read_choice(value, _SERVICE_FIELD_LOOKUP, SERVICE_FIELD_LABELS)


def read_political_status(value) -> str:
    return read_choice(value, _POLITICAL_STATUS_LOOKUP, POLITICAL_STATUS_LABELS)


_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)


def _date_error(text: str) -> CellError:
    return CellError(
        "date_invalid",
        _("%(value)s is not a date; write it like 2021-05-01, 2021/5/1 or 2021年5月1日.")
        % {"value": text},
    )


def read_date(value, *, today: datetime.date | None = None) -> datetime.date | None:
    """A date cell, or text in one of the usual Chinese spellings; never in the future."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        # A bare number is not accepted: 20210501 or a serial number without date
        # formatting is more likely a typing slip than a date.
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
        match = next((m for p in _DATE_PATTERNS if (m := p.fullmatch(text))), None)
        if match is None:
            raise _date_error(str(value).strip())
        try:
            day = datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise _date_error(str(value).strip()) from None
    if day > (today or timezone.localdate()):
        raise CellError(
            "date_future", _("The date %(date)s is in the future.") % {"date": day.isoformat()}
        )
    return day


_WHOLE_NUMBER = re.compile(r"[+-]?\d+(?:\.0*)?")


def read_count(value) -> int | None:
    """A non-negative whole number: 3, '3' and 3.0 are read; '三', 2.5 and -1 are not."""
    if is_blank(value):
        return None
    number = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
        if _WHOLE_NUMBER.fullmatch(text):
            number = int(text.split(".")[0])
    if number is None:
        raise CellError(
            "count_invalid",
            _("%(value)s is not a whole number; write it in digits, such as 3.")
            % {"value": str(value).strip()},
        )
    if number < 0:
        raise CellError("count_negative", _("The number cannot be negative."))
    return number


# --- Headers and rows ---------------------------------------------------------------------


def header_positions(header: tuple | None) -> dict[str, int] | RowError:
    """Column index of each header, in any order; or one error listing what is expected."""
    return check_headers(
        header,
        headers=HEADERS,
        required=HEADERS,
        expected=_("The headers must be: %(expected)s.") % {"expected": "、".join(HEADERS)},
        read_text=read_text,
        error=RowError,
    )


@dataclass
class ParsedRow:
    line: int
    values: dict = field(default_factory=dict)  # model field → value
    errors: list[RowError] = field(default_factory=list)
    key: tuple[str, str] | None = None  # ("uscc" | "filing_number", normalized value)
    # A failed check character, forgiven only for an existing checksum-exempt organization.
    checksum_error: RowError | None = None
    existing: Organization | None = None  # the match, once the database has been read

    def fail(self, column: str, code: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, code, reason))

    def read(self, column: str, reader, value):
        """``reader(value)``, or None with the error recorded against this cell."""
        try:
            return reader(value)
        except CellError as exc:
            self.fail(column, exc.code, exc.reason)
        except ValidationError as exc:
            self.fail(column, exc.code or "invalid", exc.messages[0])
        return None


@functools.cache
def _max_length(field_name: str) -> int:
    return Organization._meta.get_field(field_name).max_length


def _required(value):
    if value in ("", None):
        raise required_error()
    return value


def _phone(value) -> str:
    text = read_text(value, exact=True)
    return validate_mobile_or_phone(text) if text else ""


def parse_row(line: int, cells: dict, communities: dict, street) -> ParsedRow:
    """Read one data row (``cells``: header → cell value); ``communities``: name → Community
    of the street (those the importing user may see)."""
    row = ParsedRow(line)
    values = row.values

    def read_community(value):
        name = _required(read_text(value))
        if name not in communities:
            raise CellError(
                "unknown_community",
                _("%(street)s has no community named %(value)s; the communities are: %(names)s.")
                % {"street": street.name, "value": name, "names": "、".join(communities) or "-"},
            )
        return communities[name]

    def text(max_length_of: str):
        return lambda value: read_text(value, max_length=_max_length(max_length_of))

    # Stored as cleaned (no invisible characters, single spaces): compared by its key.
    values["name"] = row.read(NAME, lambda v: _required(clean_name(text("name")(v))), cells[NAME])
    legal_status = row.read(
        LEGAL_STATUS, lambda v: _required(read_legal_status(v)), cells[LEGAL_STATUS]
    )
    values["legal_status"] = legal_status
    values["community"] = row.read(COMMUNITY, read_community, cells[COMMUNITY])
    # An empty service field is the model's default, 其他.
    values["service_field"] = (
        row.read(SERVICE_FIELD, read_service_field, cells[SERVICE_FIELD]) or ServiceField.OTHER
    )
    values["founded_on"] = row.read(FOUNDED_ON, read_date, cells[FOUNDED_ON])
    values["leader_name"] = row.read(LEADER_NAME, text("leader_name"), cells[LEADER_NAME]) or ""
    values["leader_political_status"] = (
        row.read(LEADER_POLITICAL_STATUS, read_political_status, cells[LEADER_POLITICAL_STATUS])
        or ""
    )
    values["leader_phone"] = row.read(LEADER_PHONE, _phone, cells[LEADER_PHONE]) or ""
    values["party_member_count"] = row.read(
        PARTY_MEMBER_COUNT, read_count, cells[PARTY_MEMBER_COUNT]
    )
    if legal_status:
        _read_identifiers(row, cells, legal_status)
    if not row.errors:
        _check_model_rules(row)
    return row


def _read_identifiers(row: ParsedRow, cells: dict, legal_status: str) -> None:
    exact_text = functools.partial(read_text, exact=True)
    uscc = row.read(USCC, exact_text, cells[USCC])
    filing_number = row.read(FILING_NUMBER, exact_text, cells[FILING_NUMBER])
    if uscc is None or filing_number is None:
        return
    row.values["uscc"] = row.values["filing_number"] = None
    if legal_status == LegalStatus.FILED:
        if uscc:
            row.fail(
                USCC,
                "filed_with_uscc",
                _("A filed organization has no unified social credit code."),
            )
        if not filing_number:
            row.fail(FILING_NUMBER, "required", _("A filed organization needs its filing number."))
            return
        number = row.read(FILING_NUMBER, validate_filing_number, filing_number)
        if number:
            row.values["filing_number"] = number
            row.key = ("filing_number", number)
        return
    if filing_number:
        row.fail(
            FILING_NUMBER,
            "registered_with_filing_number",
            _(
                "A registered organization is identified by its unified social credit code, "
                "not a filing number."
            ),
        )
    if not uscc:
        row.fail(
            USCC, "required", _("A registered organization needs its unified social credit code.")
        )
        return
    expected_type = USCC_TYPE_FOR_STATUS[legal_status]
    try:
        code = validate_uscc(uscc, expected_type=expected_type)
    except ValidationError as exc:
        if exc.code not in USCC_CHECKSUM_ERROR_CODES:
            row.fail(USCC, exc.code, exc.messages[0])
            return
        # Legally issued pilot codes fail the checksum; an organization already accepted
        # with a staff exemption keeps its code (decided once the database is read).
        exempt = functools.partial(validate_uscc, expected_type=expected_type, checksum_exempt=True)
        code = row.read(USCC, exempt, uscc)
        if code is None:
            return
        row.checksum_error = RowError(row.line, USCC, exc.code, exc.messages[0])
    row.values["uscc"] = code
    row.key = ("uscc", code)


@functools.cache
def _not_in_file() -> list[str]:
    # Fields the file does not carry, and the community (checking it would be a query per
    # row; it came from the street's own list).
    in_file = set(FIELD_FOR_HEADER.values()) - {"community"}
    return [f.name for f in Organization._meta.concrete_fields if f.name not in in_file]


def _check_model_rules(row: ParsedRow) -> None:
    """The model's and the service's own checks, as a safety net behind the cell readers."""
    probe = Organization(**row.values, uscc_checksum_exempt=row.checksum_error is not None)
    try:
        clean_identifiers(probe)
        probe.clean_fields(exclude=_not_in_file())
    except ValidationError as exc:
        for field_name, errors in exc.error_dict.items():
            for error in errors:
                column = HEADER_FOR_FIELD.get(field_name, "")
                row.fail(column, error.code or "invalid", next(iter(error)))
