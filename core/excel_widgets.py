"""Cell readers and django-import-export widgets for the Excel files of the platform.

Every reader raises ``CellError`` (a ``ValueError`` with a stable ASCII ``code`` and a
translated ``reason``), so the library treats a bad cell as a validation error of its
column, not as a crash of the row: its own widgets give English messages, and a decimal
such as ``九十`` escapes them as ``InvalidOperation``. ``core.excel_resources`` keeps the
code when it turns the error into a line/column report.

``render`` writes what the file carries: choice labels, dates as dates, text as text.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import widgets

from core.dates import human_date
from core.excel import is_blank


class CellError(ValueError):
    """A cell that cannot be read; becomes a row error once line and column are known."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def required_error() -> CellError:
    return CellError("required", _("This column must be filled in."))


# --- Readers ------------------------------------------------------------------------------

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
            "date_future", _("The date %(date)s is in the future.") % {"date": human_date(day)}
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


# --- Widgets ------------------------------------------------------------------------------


class CellWidget(widgets.Widget):
    """A widget reading its cell with ``reader`` (which raises ``CellError``).

    ``required`` refuses an empty result; ``default`` replaces it. ``render`` returns the
    value itself (text, date, number): the .xlsx writer decides how each is stored.
    """

    def __init__(self, reader, *, required: bool = False, default=None, render=None):
        super().__init__(coerce_to_string=False)
        self.reader = reader
        self.required = required
        self.default = default
        self._render = render

    def clean(self, value, row=None, **kwargs):
        cleaned = self.reader(value)
        if cleaned in ("", None):
            if self.required:
                raise required_error()
            return self.default if self.default is not None else cleaned
        return cleaned

    def render(self, value, obj=None, **kwargs):
        if self._render is not None:
            return self._render(value)
        return value


class TextWidget(CellWidget):
    """Stripped text; ``exact`` for codes and phones (no number cell that lost digits);
    ``then`` a further check or normalization of the text (a validator returning it)."""

    def __init__(self, *, max_length=None, exact=False, then=None, **kwargs):
        def reader(value):
            text = read_text(value, max_length=max_length, exact=exact)
            return then(text) if text and then is not None else text

        super().__init__(reader, render=lambda value: value or "", **kwargs)


class ChoiceWidget(CellWidget):
    """A choice written as its Chinese label (or an alias, or the ASCII key itself);
    stored as the ASCII key, exported as the label."""

    def __init__(self, labels: dict, aliases: dict | None = None, **kwargs):
        self.labels = {str(key): label for key, label in labels.items()}
        lookup = lookup_table(labels, aliases)
        super().__init__(
            lambda value: read_choice(value, lookup, labels),
            render=lambda value: self.labels.get(value, value) if value else None,
            **kwargs,
        )


class DateWidget(CellWidget):
    """A date cell or 2021-05-01, 2021/5/1, 2021.5.1, 2021年5月1日; never in the future."""

    def __init__(self, **kwargs):
        super().__init__(read_date, **kwargs)


class CountWidget(CellWidget):
    """A non-negative whole number."""

    def __init__(self, **kwargs):
        super().__init__(read_count, **kwargs)


class NameLookupWidget(CellWidget):
    """A related object named in the cell, among ``choices`` (name → object) read once
    for the whole file; ``unknown(name)`` builds the error for a name not among them."""

    def __init__(self, choices: dict | None = None, *, unknown=None, **kwargs):
        self.choices = choices or {}
        self.unknown = unknown

        def reader(value):
            name = read_text(value)
            if not name:
                return None
            if name not in self.choices:
                raise self.unknown(name)
            return self.choices[name]

        super().__init__(reader, render=lambda value: getattr(value, "name", None), **kwargs)
