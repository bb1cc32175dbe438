"""Inputs that a browser can show again what the server saved.

``<input type=date>`` only accepts ISO dates (``2027-03-01``). Django renders a date with
the first of the language's DATE_INPUT_FORMATS, which is ``2027/03/01`` under zh-hans:
the browser then shows the field empty and submits nothing, so saving an untouched form
wiped the date (issue 14). ``<input type=number>`` likewise only accepts a plain
``1234.5``: no grouping, no localized decimal separator, no exponent."""

import datetime
from decimal import Decimal

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A date picker whose value is always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or ISO_DATE)

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime(self.format)
        # Anything else is what the person typed (a bound form shown again with errors):
        # returned as is, the browser keeps it only if it is ISO.
        return super().format_value(value)


class NumberInput(forms.NumberInput):
    """A number input whose value is a plain decimal, never localized."""

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, Decimal):
            # format(..., "f") writes 1E+3 as 1000; the input would accept the exponent,
            # people would not read it.
            return format(value, "f")
        return str(value)
